package org.pipewright.transforms.internal;

/**
 * Spreads record ids over a bounded number of shuffle keys. Grouping by bucket instead of by id
 * keeps the number of groups (and so per-group overhead, which dominates on the Direct runner)
 * bounded, while a bucket still holds only about {@code 1/n} of a table.
 */
public final class Buckets {
  /** Enough parallelism for a local or small cluster run; raise it for very large tables. */
  public static final int DEFAULT = 32;

  private Buckets() {}

  public static int of(Object key, int buckets) {
    long h = key instanceof Long ? (Long) key : (key == null ? 0 : key.hashCode());
    // Mix the bits so that sequential ids spread evenly.
    h *= 0x9E3779B97F4A7C15L;
    return (int) Math.floorMod(h ^ (h >>> 32), (long) buckets);
  }
}
