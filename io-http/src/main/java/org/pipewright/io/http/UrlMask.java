package org.pipewright.io.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Masks secrets in text that is printed or stored: the values of named query parameters ({@code
 * access_key=***}) and every literal occurrence of the secret itself, raw or URL-encoded (a key a
 * caller put into a path, an API echoing it back in an error body).
 */
public final class UrlMask {
  /** What a masked value reads as. */
  public static final String MASK = "***";

  private UrlMask() {}

  /**
   * {@code url} with the value of each query parameter in {@code names} replaced by {@value #MASK},
   * and any occurrence of {@code secret} too.
   */
  public static String mask(String url, Collection<String> names, @Nullable String secret) {
    String masked = url;
    for (String name : names) {
      masked = maskParameter(masked, name);
    }
    return scrub(masked, secret);
  }

  /** The value of query parameter {@code name} (case-sensitive, as servers read it) masked. */
  static String maskParameter(String url, String name) {
    Matcher m = Pattern.compile("([?&;]" + Pattern.quote(name) + "=)[^&#;]*").matcher(url);
    return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + MASK));
  }

  /** {@code text} with every occurrence of {@code secret}, raw or URL-encoded, replaced by {@value #MASK}. */
  public static @Nullable String scrub(@Nullable String text, @Nullable String secret) {
    if (text == null || secret == null || secret.isEmpty()) {
      return text;
    }
    String out = text.replace(secret, MASK);
    String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    return encoded.equals(secret) ? out : out.replace(encoded, MASK);
  }
}
