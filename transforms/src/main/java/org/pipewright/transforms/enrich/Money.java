package org.pipewright.transforms.enrich;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The money arithmetic of the enrichment steps, exact: {@link BigDecimal} from the source's text,
 * never a {@code double}, and one rounding, {@link RoundingMode#HALF_UP} to {@value #SCALE}
 * decimals, applied once to the exact result (so {@code 0.0000005} becomes {@code 0.000001} and
 * no intermediate step drifts).
 */
public final class Money {
  /** Decimals of every computed amount and percentage. */
  public static final int SCALE = 6;

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private Money() {}

  /** {@code amount * rate}, rounded half up to {@value #SCALE} decimals. */
  public static BigDecimal convert(BigDecimal amount, BigDecimal rate) {
    return amount.multiply(rate).setScale(SCALE, RoundingMode.HALF_UP);
  }

  /**
   * The discount in percent, {@code (msrp - price) / msrp * 100}, rounded half up to {@value
   * #SCALE} decimals from the exact quotient. Null when {@code msrp} is null, zero or negative
   * (there is no list price to compare with). A price above the list price gives a negative
   * discount: that is what the data says (a mark-up), so it is kept rather than hidden.
   */
  public static @Nullable BigDecimal discountPercent(@Nullable BigDecimal msrp, BigDecimal price) {
    if (msrp == null || msrp.signum() <= 0) {
      return null;
    }
    // divide(..., scale, mode) rounds the exact quotient once: no intermediate rounding.
    return msrp.subtract(price).multiply(HUNDRED).divide(msrp, SCALE, RoundingMode.HALF_UP);
  }
}
