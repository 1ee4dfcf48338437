package org.pipewright.io.http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ApiKeyTest {
  private static final String SECRET = "S3CRET-key-4711";

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void readsEachSourceWhereItIsResolved() throws Exception {
    Path file = tmp.newFile("key").toPath();
    Files.writeString(file, "  " + SECRET + " \nsecond line ignored\n");
    assertEquals(SECRET, ApiKey.fromFile(file.toString()).resolve(Map.of()));
    assertEquals(SECRET, ApiKey.fromEnv("FX_KEY").resolve(Map.of("FX_KEY", SECRET + "\n")));
    assertEquals(SECRET, ApiKey.ofValue(SECRET).resolve(Map.of()));
    assertNull(ApiKey.none().resolve(Map.of()));
  }

  @Test
  public void firstOfPrefersTheValueThenTheFileThenTheEnvironment() throws Exception {
    Path file = tmp.newFile("key").toPath();
    Files.writeString(file, "from-file");
    Map<String, String> env = Map.of("V", "from-env");
    assertEquals("from-option", ApiKey.firstOf("from-option", file.toString(), "V").resolve(env));
    assertEquals("from-file", ApiKey.firstOf(" ", file.toString(), "V").resolve(env));
    assertEquals("from-env", ApiKey.firstOf(null, "", "V").resolve(env));
  }

  @Test
  public void aMissingKeyFailsWithAMessageThatNamesTheSource() {
    IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
        () -> ApiKey.fromEnv("PIPEWRIGHT_FX_API_KEY").resolve(Map.of()));
    assertEquals("environment variable PIPEWRIGHT_FX_API_KEY is not set", unset.getMessage());
    IllegalArgumentException noFile = assertThrows(IllegalArgumentException.class,
        () -> ApiKey.fromFile(tmp.getRoot() + "/missing").resolve(Map.of()));
    assertThat(noFile.getMessage(), containsString("cannot read API key file " + tmp.getRoot() + "/missing"));
  }

  @Test
  public void aByteOrderMarkIsSkippedAndOtherCharactersAHeaderCannotCarryAreRefused() throws Exception {
    Path file = tmp.newFile("bom").toPath();
    Files.writeString(file, "\uFEFF" + SECRET + "\r\n");
    assertEquals(SECRET, ApiKey.fromFile(file.toString()).resolve(Map.of()));
    IllegalArgumentException inner = assertThrows(IllegalArgumentException.class,
        () -> ApiKey.fromEnv("FX").resolve(Map.of("FX", "S3CRET key")));
    assertEquals("the API key from environment variable FX has characters other than visible ASCII"
        + " (a space, a byte-order mark?)", inner.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ApiKey.ofValue("S3CRET\u00e9").resolve(Map.of()));
  }

  @Test
  public void anEmptyKeyFileIsRefused() throws Exception {
    Path file = tmp.newFile("empty").toPath();
    Files.writeString(file, "\n");
    assertEquals("API key file " + file + " is empty",
        assertThrows(IllegalArgumentException.class, () -> ApiKey.fromFile(file.toString()).resolve(Map.of()))
            .getMessage());
  }

  @Test
  public void printsWhereTheKeyComesFromNeverTheKey() {
    assertEquals("ApiKey{query parameter access_key=*** from environment variable FX}",
        ApiKey.fromEnv("FX").inQuery("access_key").toString());
    assertEquals("header X-Api-Key: *** from file /etc/key", ApiKey.fromFile("/etc/key").inHeader("X-Api-Key").describe());
    assertEquals("query parameter apiKey=*** given as a value", ApiKey.ofValue(SECRET).describe());
    assertThat(ApiKey.ofValue(SECRET).toString(), not(containsString(SECRET)));
    assertEquals("no key", ApiKey.none().describe());
  }

  @Test
  public void envAndFileKeysAreNotInTheSerializedForm() throws Exception {
    Path file = tmp.newFile("key").toPath();
    Files.writeString(file, SECRET);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(ApiKey.fromFile(file.toString()));
    }
    String serialized = new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1);
    assertTrue(serialized.contains(file.toString()));
    assertThat(serialized, not(containsString(SECRET)));
  }
}
