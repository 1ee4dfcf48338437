package org.pipewright.io.http;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where an API key comes from and how a request carries it.
 *
 * <p>Sources: an environment variable ({@link #fromEnv}) or a file ({@link #fromFile}) are read
 * where the call is made (on each worker, when the calling step starts), so the key never becomes
 * part of the pipeline graph a runner ships, its display data or the options; the variable or file
 * must exist there. A key given as a value ({@link #ofValue}, e.g. from a command-line option)
 * necessarily travels inside the serialized transform; it is still kept out of display data,
 * {@code toString}, logs, errors and dead letters. {@link #none()} calls without a key.
 *
 * <p>Carriers: a query parameter ({@link #inQuery}, the default is {@code apiKey}; currencylayer
 * uses {@code access_key}) or a header ({@link #inHeader}). Every URL this connector prints or
 * stores has the parameter's value masked ({@code access_key=***}).
 *
 * <pre>{@code
 * ApiKey fx = ApiKey.fromEnv("PIPEWRIGHT_FX_API_KEY").inQuery("access_key");
 * ApiKey products = ApiKey.firstOf(options.getProductsApiKey(), options.getProductsApiKeyFile(),
 *     "PIPEWRIGHT_PRODUCTS_API_KEY").inQuery("apiKey");
 * }</pre>
 */
public final class ApiKey implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The query parameter a key goes into unless told otherwise. */
  public static final String DEFAULT_PARAMETER = "apiKey";

  private enum Source { NONE, VALUE, ENV, FILE }

  private final Source source;
  /** The key itself for VALUE, the variable's name for ENV, the path for FILE. */
  private final @Nullable String ref;
  private final String name;
  private final boolean header;

  private ApiKey(Source source, @Nullable String ref, String name, boolean header) {
    this.source = source;
    this.ref = ref;
    this.name = name;
    this.header = header;
  }

  /** No key: requests go out as given. */
  public static ApiKey none() {
    return new ApiKey(Source.NONE, null, DEFAULT_PARAMETER, false);
  }

  /** The key {@code value} itself (from an option, say); see the class comment on where it travels. */
  public static ApiKey ofValue(String value) {
    checkArgument(value != null && !value.isBlank(), "API key value must not be empty");
    return new ApiKey(Source.VALUE, value.strip(), DEFAULT_PARAMETER, false);
  }

  /** The value of environment variable {@code variable}, read where the call is made. */
  public static ApiKey fromEnv(String variable) {
    checkArgument(variable != null && !variable.isBlank(), "environment variable name must not be empty");
    return new ApiKey(Source.ENV, variable, DEFAULT_PARAMETER, false);
  }

  /** The first line of the file at {@code path} (surrounding blanks removed), read where the call is made. */
  public static ApiKey fromFile(String path) {
    checkArgument(path != null && !path.isBlank(), "API key file must not be empty");
    return new ApiKey(Source.FILE, path, DEFAULT_PARAMETER, false);
  }

  /**
   * The usual order for a main: the option's value if given, else the key file if given, else
   * environment variable {@code variable}.
   */
  public static ApiKey firstOf(@Nullable String value, @Nullable String file, String variable) {
    if (value != null && !value.isBlank()) {
      return ofValue(value);
    }
    if (file != null && !file.isBlank()) {
      return fromFile(file);
    }
    return fromEnv(variable);
  }

  /** Returns a copy sent as query parameter {@code parameter}. */
  public ApiKey inQuery(String parameter) {
    checkArgument(parameter != null && !parameter.isBlank(), "query parameter name must not be empty");
    return new ApiKey(source, ref, parameter, false);
  }

  /** Returns a copy sent as header {@code header} (e.g. {@code X-Api-Key}). */
  public ApiKey inHeader(String header) {
    checkArgument(header != null && !header.isBlank(), "header name must not be empty");
    return new ApiKey(source, ref, header, true);
  }

  boolean isNone() {
    return source == Source.NONE;
  }

  boolean inHeader() {
    return header;
  }

  /** The query parameter or header name. */
  String name() {
    return name;
  }

  /**
   * Reads the key; for a main to fail fast with a clear message ({@link IllegalArgumentException})
   * before the pipeline starts. The message names the variable or file, never the key.
   */
  public void check() {
    resolve(System.getenv());
  }

  /** The key, or null for {@link #none()}. */
  @Nullable String resolve(Map<String, String> env) {
    String key = read(env);
    // A header or a query cannot carry other characters as they are: the request would be refused
    // (or the key garbled) only when the first call is made, not here with a clear message.
    checkArgument(key == null || key.chars().allMatch(c -> c > ' ' && c < 0x7f),
        "the API key from %s has characters other than visible ASCII (a space, a byte-order mark?)", where());
    return key;
  }

  private String where() {
    switch (source) {
      case ENV:
        return "environment variable " + ref;
      case FILE:
        return "file " + ref;
      default:
        return "the value given";
    }
  }

  private @Nullable String read(Map<String, String> env) {
    switch (source) {
      case NONE:
        return null;
      case VALUE:
        return ref;
      case ENV: {
        String value = env.get(ref);
        checkArgument(value != null && !value.isBlank(), "environment variable %s is not set", ref);
        return value.strip();
      }
      case FILE: {
        String text;
        try {
          text = Files.readString(Path.of(ref), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
          throw new IllegalArgumentException("cannot read API key file " + ref + ": " + e.getClass().getSimpleName(), e);
        }
        if (text.startsWith("\uFEFF")) {
          // Some editors start a UTF-8 file with a byte-order mark.
          text = text.substring(1);
        }
        int newline = text.indexOf('\n');
        String value = (newline < 0 ? text : text.substring(0, newline)).strip();
        checkArgument(!value.isEmpty(), "API key file %s is empty", ref);
        return value;
      }
      default:
        throw new IllegalStateException("unknown key source " + source);
    }
  }

  /** Where the key comes from and how it is sent, with the key itself masked. */
  public String describe() {
    if (source == Source.NONE) {
      return "no key";
    }
    String carrier = header ? "header " + name + ": " + UrlMask.MASK : "query parameter " + name + "=" + UrlMask.MASK;
    switch (source) {
      case ENV:
        return carrier + " from environment variable " + ref;
      case FILE:
        return carrier + " from file " + ref;
      default:
        return carrier + " given as a value";
    }
  }

  @Override
  public String toString() {
    return "ApiKey{" + describe() + "}";
  }
}
