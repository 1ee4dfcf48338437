package org.pipewright.transforms.enrich;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.core.BadValueException;

/**
 * The rules of {@link ConvertCurrency}, without a pipeline: which day's rates an amount is
 * converted with, and the rounding.
 *
 * <ul>
 *   <li>The rates of the record's own date; where the table has none, those of the latest earlier
 *       date at most {@code maxRateAgeDays} before it. A later date is never used. Every currency
 *       of one record is converted with the rates of one date, the {@code rate_date}.
 *   <li>No rates within that range: {@code missing_rates}. The chosen date lacks a requested
 *       currency: {@code missing_rates} too, naming the currency (no other date is looked at,
 *       so that all values of a record stay from one day).
 *   <li>{@code value = amount * rate}, exact, rounded {@link RoundingMode#HALF_UP} to {@value
 *       Money#SCALE} decimals ({@link Money#convert}). The source currency itself needs no quote:
 *       its value is the amount at scale {@value Money#SCALE} ({@code 9.99} gives {@code
 *       9.990000}), so that every value column has one scale.
 *   <li>A negative amount is converted like any other (refunds are negative).
 * </ul>
 *
 * Failures are {@link BadValueException}s whose message is the dead-letter reason.
 */
public final class CurrencyConverter implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String MISSING_RATES = "missing_rates";
  public static final String MISSING_AMOUNT = "missing_amount";
  public static final String MISSING_DATE = "missing_date";

  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  private final String source;
  private final List<String> currencies;
  private final int maxRateAgeDays;

  private CurrencyConverter(String source, List<String> currencies, int maxRateAgeDays) {
    this.source = source;
    this.currencies = currencies;
    this.maxRateAgeDays = maxRateAgeDays;
  }

  /**
   * Converts amounts in {@code source} into each of {@code currencies} (ISO codes, three capital
   * letters, no repeats) with rates at most {@code maxRateAgeDays} days old.
   */
  public static CurrencyConverter of(String source, List<String> currencies, int maxRateAgeDays) {
    checkCurrency(source);
    checkNotNull(currencies, "currencies");
    checkArgument(!currencies.isEmpty(), "at least one currency is needed");
    currencies.forEach(CurrencyConverter::checkCurrency);
    checkArgument(currencies.stream().distinct().count() == currencies.size(),
        "currencies must not repeat: %s", currencies);
    checkArgument(maxRateAgeDays >= 0, "maxRateAgeDays must be >= 0, got %s", maxRateAgeDays);
    return new CurrencyConverter(source, List.copyOf(currencies), maxRateAgeDays);
  }

  static String checkCurrency(String code) {
    checkArgument(code != null && CURRENCY.matcher(code).matches(),
        "a currency is three capital letters (ISO 4217), got '%s'", code);
    return code;
  }

  public List<String> currencies() {
    return currencies;
  }

  /** One conversion: the date whose rates were used and the values, in {@link #currencies()} order. */
  public static final class Conversion {
    private final String rateDate;
    private final List<BigDecimal> values;

    Conversion(String rateDate, List<BigDecimal> values) {
      this.rateDate = rateDate;
      this.values = values;
    }

    public String rateDate() {
      return rateDate;
    }

    public List<BigDecimal> values() {
      return values;
    }
  }

  /**
   * Converts {@code amount} of {@code date} with {@code rates}.
   *
   * @throws BadValueException with the dead-letter reason: {@code missing_amount}, {@code
   *     missing_date}, {@code bad_date: ...} or {@code missing_rates: ...}
   */
  public Conversion convert(RateTable rates, @Nullable BigDecimal amount, @Nullable String date) {
    if (amount == null) {
      throw new BadValueException(MISSING_AMOUNT);
    }
    if (date == null) {
      throw new BadValueException(MISSING_DATE);
    }
    RateTable.Day day = rates.find(source, date, maxRateAgeDays);
    if (day == null) {
      throw new BadValueException(MISSING_RATES + ": no " + source + " rates on " + date
          + (maxRateAgeDays > 0 ? " or up to " + maxRateAgeDays + " days before" : ""));
    }
    BigDecimal[] values = new BigDecimal[currencies.size()];
    for (int i = 0; i < values.length; i++) {
      String currency = currencies.get(i);
      if (currency.equals(source)) {
        values[i] = amount.setScale(Money.SCALE, RoundingMode.HALF_UP);
        continue;
      }
      BigDecimal rate = day.rate(currency);
      if (rate == null) {
        throw new BadValueException(
            MISSING_RATES + ": no " + source + currency + " rate on " + day.date());
      }
      values[i] = Money.convert(amount, rate);
    }
    return new Conversion(day.date(), List.of(values));
  }
}
