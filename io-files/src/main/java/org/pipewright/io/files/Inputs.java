package org.pipewright.io.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;

/** Opening a matched file for the readers; a stream that fails while it is opened is closed. */
final class Inputs {
  private Inputs() {}

  /** A file refused whole, before any of it is read; the message says why, for the reason. */
  static final class RefusedFileException extends IOException {
    RefusedFileException(String message) {
      super(message);
    }
  }

  /**
   * The file's bytes, inflated when it is compressed; a zip must hold one file, else it is refused
   * with a {@link RefusedFileException}.
   */
  static InputStream open(FileIO.ReadableFile file) throws IOException {
    if (file.getCompression() == Compression.ZIP) {
      ResourceId id = file.getMetadata().resourceId();
      long files = zipFiles(id, file.getMetadata().isReadSeekEfficient());
      if (files > 1) {
        throw new RefusedFileException("zip with " + files + " entries: one file per zip expected");
      }
      InputStream raw = Channels.newInputStream(FileSystems.open(id));
      try {
        return Zips.onlyFile(raw);
      } catch (IOException | RuntimeException e) {
        closeAfter(raw, e);
        throw e;
      }
    }
    if (file.getCompression() == Compression.GZIP) {
      // Not Beam's gzip channel: its channel-to-stream adapter drops the bytes already inflated in
      // the read that meets a truncation. GZIPInputStream hands them over first, so every complete
      // line or record before the cut is kept, and reports the cut as an EOFException.
      InputStream raw = Channels.newInputStream(FileSystems.open(file.getMetadata().resourceId()));
      try {
        // Reads the header: a file that is not gzip, or empty, fails here.
        return new GZIPInputStream(raw, 1 << 16);
      } catch (IOException | RuntimeException e) {
        closeAfter(raw, e);
        throw e;
      }
    }
    return Channels.newInputStream(file.open());
  }

  private static long zipFiles(ResourceId id, boolean seekEfficient) throws IOException {
    try (ReadableByteChannel channel = FileSystems.open(id)) {
      return seekEfficient && channel instanceof SeekableByteChannel seekable
          ? Zips.listedFiles(seekable)
          : Zips.countedFiles(Channels.newInputStream(channel));
    }
  }

  /** Bytes {@code start} (inclusive) to {@code end} (exclusive, or to the end when negative). */
  static InputStream range(FileIO.ReadableFile file, long start, long end) throws IOException {
    SeekableByteChannel channel = file.openSeekable();
    try {
      channel.position(start);
    } catch (IOException | RuntimeException e) {
      closeAfter(channel, e);
      throw e;
    }
    InputStream in = Channels.newInputStream(channel);
    return end < 0 ? in : new RangeInputStream(in, end - start);
  }

  // On S3 an open stream holds one of the client's pooled connections until it is closed.
  private static void closeAfter(java.io.Closeable open, Exception failure) {
    try {
      open.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /** At most {@code remaining} bytes of a stream; closing it closes the stream. */
  private static final class RangeInputStream extends FilterInputStream {
    private long remaining;

    RangeInputStream(InputStream in, long length) {
      super(in);
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] bytes, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(bytes, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }
}
