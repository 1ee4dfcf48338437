package org.pipewright.transforms.enrich;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.Numbers;

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

  /** Reason of a result too large for any sink ({@link Numbers#MAX_STORED_INTEGER_DIGITS}). */
  public static final String TOO_LARGE = "too_large";

  /**
   * {@code amount * rate}, rounded half up to {@value #SCALE} decimals; a {@link BadValueException}
   * ({@value #TOO_LARGE}) when the product is too large to store.
   */
  public static BigDecimal convert(BigDecimal amount, BigDecimal rate) {
    return Numbers.storable(TOO_LARGE, amount.multiply(rate).setScale(SCALE, RoundingMode.HALF_UP));
  }

  /**
   * The discount in percent, {@code (msrp - price) / msrp * 100}, rounded half up to {@value
   * #SCALE} decimals from the exact quotient. Null when {@code msrp} is null, zero or negative
   * (there is no list price to compare with). A price above the list price gives a negative
   * discount: that is what the data says (a mark-up), so it is kept rather than hidden; a list
   * price so small that the percentage is too large to store is a {@link BadValueException}
   * ({@value #TOO_LARGE}).
   */
  public static @Nullable BigDecimal discountPercent(@Nullable BigDecimal msrp, BigDecimal price) {
    if (msrp == null || msrp.signum() <= 0) {
      return null;
    }
    // divide(..., scale, mode) rounds the exact quotient once: no intermediate rounding.
    return Numbers.storable(TOO_LARGE, msrp.subtract(price).multiply(HUNDRED).divide(msrp, SCALE, RoundingMode.HALF_UP));
  }
}
