package org.pipewright.io.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A zip's files are counted, folders aside, the same way from its directory and from its stream. */
public class ZipsTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** A zip of {@code name, content, name, content, ...}; a name ending in a slash is a folder. */
  static byte[] zip(String... namesAndContents) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        ZipEntry entry = new ZipEntry(namesAndContents[i]);
        entry.setTime(0); // the same bytes on every call
        out.putNextEntry(entry);
        out.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  private long listed(byte[] zip) throws IOException {
    Path file = tmp.newFile().toPath();
    Files.write(file, zip);
    try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ)) {
      return Zips.listedFiles(channel);
    }
  }

  private static long counted(byte[] zip) throws IOException {
    return Zips.countedFiles(new ByteArrayInputStream(zip));
  }

  private static String only(byte[] zip) throws IOException {
    try (InputStream in = Zips.onlyFile(new ByteArrayInputStream(zip))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  public void filesAreCountedWithoutFolders() throws IOException {
    byte[] two = zip("in/", "", "in/a.csv", "id\n1\n", "in/b.csv", "id\n2\n");
    byte[] one = zip("in/", "", "in/a.csv", "id\n1\n");
    byte[] none = zip();
    assertEquals(2, listed(two));
    assertEquals(2, counted(two));
    assertEquals(1, listed(one));
    assertEquals(1, counted(one));
    assertEquals(0, listed(none));
    assertEquals(0, counted(none));
    assertEquals("id\n1\n", only(one));
    assertEquals("", only(none));
  }

  @Test
  public void aZip64DirectoryIsCounted() throws IOException {
    // More than 65,534 entries: the count lives only in the zip64 end record.
    String[] entries = new String[2 * 70_000];
    Arrays.fill(entries, "");
    for (int i = 0; i < 70_000; i++) {
      entries[2 * i] = Integer.toString(i, 36) + (i % 2 == 0 ? "/" : "");
    }
    assertEquals(35_000, listed(zip(entries)));
  }

  @Test
  public void notAZipIsAnErrorFromItsDirectory() throws IOException {
    byte[] text = "id,name\n1,a\n".getBytes(StandardCharsets.UTF_8);
    assertThat(assertThrows(ZipException.class, () -> listed(text)).getMessage(),
        startsWith("not a readable zip file: "));
  }

  /**
   * The entries of a two-file zip under the directory of a one-file zip: the second file, which the
   * count missed, fails the read instead of vanishing.
   */
  @Test
  public void aFileTheDirectoryDoesNotListFailsTheRead() throws IOException {
    byte[] two = zip("a.csv", "id\n1\n", "b.csv", "id\n2\n");
    byte[] one = zip("a.csv", "id\n1\n");
    int twoDirectory = directoryStart(two);
    int oneDirectory = directoryStart(one);
    ByteArrayOutputStream forged = new ByteArrayOutputStream();
    forged.write(two, 0, twoDirectory);
    forged.write(one, oneDirectory, one.length - oneDirectory);
    byte[] bytes = forged.toByteArray();
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 22 + 16, twoDirectory);

    assertEquals(1, listed(bytes));
    assertThat(assertThrows(ZipException.class, () -> only(bytes)).getMessage(),
        startsWith("zip holds more files than its central directory lists"));
  }

  /** Where the central directory starts, from the end record of a zip without a comment. */
  private static int directoryStart(byte[] zip) {
    return ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getInt(zip.length - 22 + 16);
  }
}
