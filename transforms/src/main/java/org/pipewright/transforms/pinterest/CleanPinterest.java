package org.pipewright.transforms.pinterest;

import org.pipewright.transforms.core.CleanRecords;

/**
 * Factories for the three Pinterest cleansing steps. Each takes {@code RawRecord} rows (one JSON
 * object per payload) and returns a {@code CleanResult} of clean rows and dead letters.
 *
 * <pre>{@code
 * CleanResult pins = rawPins.apply("CleanPins", CleanPinterest.pins());
 * }</pre>
 */
public final class CleanPinterest {
  private CleanPinterest() {}

  /** Pin records to {@link PinterestSchemas#PIN}. */
  public static CleanRecords pins() {
    return CleanRecords.with(new PinCleaner()).withStepName("CleanPins");
  }

  /** Geo records to {@link PinterestSchemas#GEO}. */
  public static CleanRecords geo() {
    return CleanRecords.with(new GeoCleaner()).withStepName("CleanGeo");
  }

  /** User records to {@link PinterestSchemas#USER}. */
  public static CleanRecords users() {
    return CleanRecords.with(new UserCleaner()).withStepName("CleanUsers");
  }
}
