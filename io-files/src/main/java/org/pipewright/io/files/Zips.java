package org.pipewright.io.files;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * A {@code .zip} as the readers take it: one file per zip. Beam's {@code Compression.ZIP} reads every
 * entry as one stream, which would merge the files of a zip into one (a second CSV header read as a
 * data row), so the readers count the files first ({@link #listedFiles} or {@link #countedFiles}) and
 * then read the only one ({@link #onlyFile}). Folder entries are not files.
 */
final class Zips {
  private static final int END = 0x06054b50;
  private static final int END_SIZE = 22;
  private static final int ZIP64_LOCATOR = 0x07064b50;
  private static final int ZIP64_LOCATOR_SIZE = 20;
  private static final int ZIP64_END = 0x06064b50;
  private static final int ZIP64_END_SIZE = 56;
  private static final int CENTRAL_HEADER = 0x02014b50;
  private static final int CENTRAL_HEADER_SIZE = 46;

  private Zips() {}

  /**
   * The number of files listed in the zip's central directory, at its end: a few small reads
   * whatever the size of the zip.
   */
  static long listedFiles(SeekableByteChannel zip) throws IOException {
    long size = zip.size();
    if (size < END_SIZE) {
      throw new ZipException("not a zip file: " + size + " bytes");
    }
    int tailSize = (int) Math.min(size, END_SIZE + 0xFFFF);
    long tailStart = size - tailSize;
    ByteBuffer tail = readAt(zip, tailStart, tailSize);
    // The end record is followed only by the archive comment, which may itself hold its signature.
    int end = -1;
    for (int i = tailSize - END_SIZE; i >= 0 && end < 0; i--) {
      if (tail.getInt(i) == END && i + END_SIZE + u16(tail, i + 20) <= tailSize) {
        end = i;
      }
    }
    if (end < 0) {
      throw new ZipException("not a zip file: no end of central directory record");
    }
    long entries = u16(tail, end + 10);
    long directorySize = u32(tail, end + 12);
    long directoryStart = u32(tail, end + 16);
    long locatorAt = tailStart + end - ZIP64_LOCATOR_SIZE;
    if ((entries == 0xFFFF || directorySize == 0xFFFFFFFFL || directoryStart == 0xFFFFFFFFL) && locatorAt >= 0) {
      ByteBuffer locator = readAt(zip, locatorAt, ZIP64_LOCATOR_SIZE);
      if (locator.getInt(0) == ZIP64_LOCATOR) {
        ByteBuffer zip64 = readAt(zip, checkedOffset(locator.getLong(8), ZIP64_END_SIZE, size), ZIP64_END_SIZE);
        if (zip64.getInt(0) != ZIP64_END) {
          throw new ZipException("corrupt zip: no zip64 end of central directory record");
        }
        entries = zip64.getLong(32);
        directorySize = zip64.getLong(40);
        directoryStart = zip64.getLong(48);
      }
    }
    if (entries == 0) {
      return 0;
    }
    zip.position(checkedOffset(directoryStart, directorySize, size));
    InputStream directory = new BufferedInputStream(Channels.newInputStream(zip), 1 << 16);
    long files = 0;
    for (long n = 0; n < entries; n++) {
      ByteBuffer header = read(directory, CENTRAL_HEADER_SIZE);
      if (header.getInt(0) != CENTRAL_HEADER) {
        throw new ZipException("corrupt zip: central directory entry " + (n + 1) + " of " + entries + " not found");
      }
      int nameLength = u16(header, 28);
      byte[] name = read(directory, nameLength).array();
      directory.skipNBytes((long) u16(header, 30) + u16(header, 32));
      // As ZipEntry.isDirectory: a folder's name ends with a slash, in every name encoding.
      if (nameLength == 0 || name[nameLength - 1] != '/') {
        files++;
      }
    }
    return files;
  }

  /** The number of files in a zip read as a stream, where seeking to its end is not cheap: reads it all. */
  static long countedFiles(InputStream zip) throws IOException {
    ZipInputStream entries = entries(zip);
    long files = 0;
    while (nextFile(entries) != null) {
      files++;
    }
    return files;
  }

  /**
   * The content of the zip's only file, empty if it has none. Should the zip hold another file after
   * all (its directory does not list every entry), reading fails at the end of the first rather
   * than dropping the rest unseen.
   */
  static InputStream onlyFile(InputStream zip) throws IOException {
    ZipInputStream entries = entries(zip);
    if (nextFile(entries) == null) {
      return entries;
    }
    return new FilterInputStream(entries) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        return b < 0 ? atEnd() : b;
      }

      @Override
      public int read(byte[] bytes, int off, int len) throws IOException {
        int n = super.read(bytes, off, len);
        return n < 0 ? atEnd() : n;
      }

      private int atEnd() throws IOException {
        if (nextFile(entries) != null) {
          throw new ZipException("zip holds more files than its central directory lists: one file per zip expected");
        }
        return -1;
      }
    };
  }

  // Names are only looked at for their final slash: Latin-1 decodes any bytes, where the UTF-8
  // default fails on the legacy code pages of many zip tools.
  private static ZipInputStream entries(InputStream zip) {
    return new ZipInputStream(zip, StandardCharsets.ISO_8859_1);
  }

  private static ZipEntry nextFile(ZipInputStream entries) throws IOException {
    try {
      ZipEntry entry;
      do {
        entry = entries.getNextEntry();
      } while (entry != null && entry.isDirectory());
      return entry;
    } catch (IllegalArgumentException e) {
      // A name flagged as UTF-8 that is not: the zip is damaged, which is an I/O problem of the file.
      throw new ZipException("corrupt zip: " + e.getMessage());
    }
  }

  private static long checkedOffset(long offset, long length, long size) throws ZipException {
    if (offset < 0 || length < 0 || offset > size - length) {
      throw new ZipException("corrupt zip: central directory outside the file");
    }
    return offset;
  }

  private static ByteBuffer readAt(SeekableByteChannel zip, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    zip.position(position);
    while (buffer.hasRemaining()) {
      if (zip.read(buffer) < 0) {
        throw new EOFException("zip ends inside its central directory");
      }
    }
    return buffer.clear();
  }

  private static ByteBuffer read(InputStream in, int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new EOFException("zip ends inside its central directory");
    }
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static int u16(ByteBuffer buffer, int at) {
    return Short.toUnsignedInt(buffer.getShort(at));
  }

  private static long u32(ByteBuffer buffer, int at) {
    return Integer.toUnsignedLong(buffer.getInt(at));
  }
}
