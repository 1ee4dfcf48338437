package org.pipewright.io.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * A {@code .zip} as the readers take it: one file per zip. Beam's {@code Compression.ZIP} reads every
 * entry as one stream, which would merge the files of a zip into one (a second CSV header read as a
 * data row), so the readers count the files first ({@link #listedFiles} or {@link #countedFiles}) and
 * then read the only one ({@link #onlyFile}). Folder entries are not files.
 */
final class Zips {
  private Zips() {}

  /**
   * The number of files listed in the zip's central directory, at its end: a few small reads
   * whatever the size of the zip. Closes {@code zip}.
   */
  @SuppressWarnings("deprecation") // ZipFile's builder is newer than the commons-compress a cluster may provide
  static long listedFiles(SeekableByteChannel zip) throws IOException {
    ZipFile directory;
    try {
      directory = new ZipFile(zip);
    } catch (IOException e) {
      // Also what commons-compress throws for a file that is not a zip at all.
      throw new ZipException("not a readable zip file: " + e.getMessage());
    }
    try (directory) {
      long files = 0;
      for (ZipArchiveEntry entry : Collections.list(directory.getEntries())) {
        if (!entry.isDirectory()) {
          files++;
        }
      }
      return files;
    }
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
}
