package org.pipewright.console;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.io.jdbc.JdbcConnection;
import org.pipewright.io.jdbc.SqlIdentifiers;

/**
 * The console's command line: {@code --name=value} options as the pipelines take them. A bad
 * option is an {@link IllegalArgumentException} whose message is the one {@code error:} line.
 */
final class ConsoleOptions {
  static final String HELP = String.join("\n",
      "usage: org.pipewright.console.Console --jdbcUrl=URL [options]",
      "  --jdbcUrl=URL            the PostgreSQL the pipelines write to (required; no password in it)",
      "  --jdbcUser=USER          the role to log in as (give it SELECT only)",
      "  --jdbcPasswordFile=PATH  read the password from this file's first line; else "
          + JdbcConnection.PASSWORD_ENV,
      "  --port=8080              the HTTP port (0 picks a free one)",
      "  --bind=127.0.0.1         the address to listen on; elsewhere set " + Console.TOKEN_ENV,
      "  --pinterestPrefix=pinterest_  --retailPrefix=retail_  --moviesPrefix=movies_   table prefixes",
      "  --pageSize=25            dead letters per page",
      "");

  private static final Set<String> NAMES = Set.of("jdbcUrl", "jdbcUser", "jdbcPasswordFile",
      "port", "bind", "pinterestPrefix", "retailPrefix", "moviesPrefix", "pageSize");

  final String jdbcUrl;
  final @Nullable String jdbcUser;
  final @Nullable String jdbcPasswordFile;
  final int port;
  final String bind;
  final Prefixes prefixes;
  final int pageSize;

  private ConsoleOptions(Map<String, String> values) {
    this.jdbcUrl = values.get("jdbcUrl");
    this.jdbcUser = values.get("jdbcUser");
    this.jdbcPasswordFile = values.get("jdbcPasswordFile");
    this.port = intOption(values, "port", 8080, 0, 65535);
    this.bind = values.getOrDefault("bind", "127.0.0.1");
    this.prefixes = new Prefixes(prefix(values, "pinterest", Prefixes.PINTEREST),
        prefix(values, "retail", Prefixes.RETAIL), prefix(values, "movies", Prefixes.MOVIES));
    this.pageSize = intOption(values, "pageSize", 25, 1, 1000);
  }

  /** Parses {@code args}; null when {@code --help} was asked for. */
  static @Nullable ConsoleOptions parse(String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      }
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 3) {
        throw new IllegalArgumentException("expected --name=value, got '" + arg + "' (see --help)");
      }
      String name = arg.substring(2, eq);
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + " (see --help)");
      }
      values.put(name, arg.substring(eq + 1));
    }
    String url = values.get("jdbcUrl");
    if (url == null || url.isEmpty()) {
      throw new IllegalArgumentException("--jdbcUrl is required, e.g. --jdbcUrl=jdbc:postgresql://127.0.0.1:5432/postgres");
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("--jdbcUrl must be a PostgreSQL URL (jdbc:postgresql:...)");
    }
    if (url.toLowerCase(Locale.ROOT).matches(".*[?&;]password=.*")) {
      // The URL shows on the error page; the password must not.
      throw new IllegalArgumentException("--jdbcUrl must not contain the password: set " + JdbcConnection.PASSWORD_ENV
          + " or --jdbcPasswordFile");
    }
    String passwordFile = values.get("jdbcPasswordFile");
    if (passwordFile != null) {
      checkPasswordFile(passwordFile);
    }
    return new ConsoleOptions(values);
  }

  /** Here rather than at the first page: a wrong path would only show as a failed login much later. */
  private static void checkPasswordFile(String file) {
    String quoted = "'" + file + "'";
    String problem;
    try {
      Path path = Path.of(file);
      problem = file.isEmpty() ? "got ''" : !Files.exists(path) ? quoted + " does not exist"
          : !Files.isRegularFile(path) ? quoted + " is not a file"
          : !Files.isReadable(path) ? quoted + " is not readable by this user" : null;
    } catch (InvalidPathException e) {
      problem = quoted + " is not a path";
    }
    if (problem != null) {
      throw new IllegalArgumentException("--jdbcPasswordFile must name a readable file: " + problem);
    }
  }

  JdbcConnection connection() {
    JdbcConnection connection = JdbcConnection.to(jdbcUrl);
    if (jdbcUser != null) {
      connection = connection.withUser(jdbcUser);
    }
    return jdbcPasswordFile == null ? connection : connection.withPasswordFile(jdbcPasswordFile);
  }

  private static String prefix(Map<String, String> values, String pipeline, String defaultPrefix) {
    String name = pipeline + "Prefix";
    String prefix = values.getOrDefault(name, defaultPrefix);
    // Each pipeline's own tables decide: a retail prefix need not leave room for a Pinterest table.
    String suffix = Datasets.longestSuffix(pipeline);
    if (!SqlIdentifiers.isValid(prefix + suffix)) {
      throw new IllegalArgumentException("--" + name + " must be letters, digits and _, not starting with a digit,"
          + " at most " + (SqlIdentifiers.MAX_LENGTH - suffix.length()) + " characters (its longest table, <prefix>"
          + suffix + ", must fit PostgreSQL's " + SqlIdentifiers.MAX_LENGTH + "-byte identifier limit); got '" + prefix
          + "'");
    }
    // The pipelines fold table names to lower case (SqlIdentifiers), so Shop_ wrote shop_valuation.
    return prefix.toLowerCase(java.util.Locale.ROOT);
  }

  private static int intOption(Map<String, String> values, String name, int defaultValue, int min, int max) {
    String text = values.get(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the accepted range
    }
    throw new IllegalArgumentException("--" + name + " must be a whole number from " + min + " to " + max
        + ", got '" + text + "'");
  }
}
