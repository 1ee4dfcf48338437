package org.pipewright.io.files;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class PartitionsTest {
  @Test
  public void readsTheValueOfANamedFolder() {
    assertEquals("2024-01-02", Partitions.value("s3://landing/trends/dt=2024-01-02/0600.json", "dt"));
    assertEquals("2024-01-02", Partitions.value("/data/landing/vod/dt=2024-01-02/a.json.gz", "dt"));
    assertEquals("2024-01-02", Partitions.value("dt=2024-01-02/a.json", "dt"));
    assertEquals("US", Partitions.value("/l/country=US/dt=2024-01-02/a.json", "country"));
    assertEquals("", Partitions.value("/l/dt=/a.json", "dt"));
  }

  @Test
  public void onlyFoldersCountAndTheInnermostWins() {
    assertNull(Partitions.value("/l/trends/dt=2024-01-02.json", "dt"));
    assertNull(Partitions.value("/l/trends/a.json", "dt"));
    assertNull(Partitions.value("a.json", "dt"));
    assertNull(Partitions.value("/l/xdt=1/a.json", "dt"));
    assertNull(Partitions.value("/l/dt/a.json", "dt"));
    assertEquals("inner", Partitions.value("/dt=outer/x/dt=inner/a.json", "dt"));
    assertEquals("2024-01-02", Partitions.value("/dt=2024-01-02/", "dt"));
  }

  @Test
  public void valuesAreUnescapedAsHiveEscapesThem() {
    assertEquals("2024-01-02 06:00", Partitions.value("/l/ts=2024-01-02 06%3A00/a.json", "ts"));
    assertEquals("größe✨", Partitions.value("/l/k=gr%C3%B6%C3%9Fe✨/a.json", "k"));
    assertEquals("100%", Partitions.value("/l/k=100%/a.json", "k"));
    assertEquals("%zz😀", Partitions.value("/l/k=%zz😀/a.json", "k"));
    assertNull(Partitions.value("/l/dt=__HIVE_DEFAULT_PARTITION__/a.json", "dt"));
  }

  @Test
  public void aBadNameIsRefused() {
    assertEquals("partition name must be non-empty without '/' or '=', got 'a=b'",
        assertThrows(IllegalArgumentException.class, () -> Partitions.value("/x/a=b/f", "a=b")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Partitions.value("/x", ""));
  }
}
