package org.pipewright.io.jdbc;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.Test;

/** How batches are cut into statements; no server needed (JdbcUpsertIT writes them). */
public class JdbcWriterTest {
  @Test
  public void batchesOfEverySizeAreCutIntoAFewStatementSizesThatAddUpToTheBatch() {
    for (int cap : new int[] {1000, 327, 1}) {
      Set<Integer> sizes = new TreeSet<>();
      int mostStatements = 0;
      for (int rows = 1; rows <= 5 * cap + 7; rows++) {
        int statements = 0;
        for (int left = rows; left > 0; statements++) {
          int n = JdbcWriter.chunkSize(left, cap);
          assertTrue("cap " + cap + ", " + left + " left: " + n, n >= 1 && n <= Math.min(cap, left));
          sizes.add(n);
          left -= n;
        }
        if (rows < cap) {
          mostStatements = Math.max(mostStatements, statements);
        }
      }
      // The cap and the powers of two below it: one text per size, whatever the batch sizes were.
      Set<Integer> expected = new TreeSet<>(Set.of(cap));
      for (int p = 1; p < cap; p *= 2) {
        expected.add(p);
      }
      assertEquals("cap " + cap, expected, sizes);
      // A batch under the cap takes one statement per set bit of its size: at most log2(cap) + 1.
      assertTrue("cap " + cap + ": " + mostStatements, mostStatements <= 32 - Integer.numberOfLeadingZeros(cap));
    }
  }
}
