package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ShowTableTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static String[] run(String... args) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      ShowTable.run(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new String[] {stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8)};
  }

  @Test
  public void printsTheFirstRowsOfATableAndHowManyItHas() throws Exception {
    Path table = tmp.newFolder("pin").toPath();
    Files.writeString(table.resolve("part-00000-of-00002.jsonl"), "{\"ind\":1}\n{\"ind\":2}\n");
    Files.writeString(table.resolve("part-00001-of-00002.jsonl"), "{\"ind\":3}\n");

    String[] shown = run(table.toString(), "--limit=2");
    assertEquals("{\"ind\":1}\n{\"ind\":2}\n", shown[0]);
    assertThat(shown[1], containsString("(2 of 3 rows)"));
    assertEquals("", run(table.toString(), "--limit=0")[0]);
  }

  @Test
  public void aMissingTableOrBadLimitIsOneClearError() {
    UsageException missing = assertThrows(UsageException.class,
        () -> run(tmp.getRoot() + "/nothing"));
    assertThat(missing.getMessage(), containsString("no table at"));
    assertThrows(UsageException.class, () -> run(tmp.getRoot().toString(), "--limit=many"));
    assertThrows(UsageException.class, () -> run());
  }
}
