package org.pipewright.console;

/**
 * The results console: a read-only web page over the tables the pipelines write to PostgreSQL.
 *
 * <pre>{@code
 * PIPEWRIGHT_JDBC_PASSWORD=... mvn -q -pl console -am compile exec:java -Dexec.args="\
 *     --jdbcUrl=jdbc:postgresql://127.0.0.1:5432/postgres --jdbcUser=console_reader"
 * }</pre>
 *
 * <p>Pages: Runs, Pinterest (with the live posts-per-minute chart), Retail, Movies, Quality, Dead
 * letters; every chart's data also at {@code /api/...} as JSON ({@code GET /api} lists them). It
 * binds to 127.0.0.1 unless {@code --bind} says otherwise; with {@value #TOKEN_ENV} set every request
 * needs that token. A bad option prints one {@code error:} line and exits 2.
 */
public final class Console {
  /** When set, every request needs this token ({@code ?token=} once, or {@code Authorization: Bearer}). */
  public static final String TOKEN_ENV = "PIPEWRIGHT_CONSOLE_TOKEN";

  private Console() {}

  public static void main(String[] args) {
    ConsoleOptions options;
    try {
      options = ConsoleOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.print(ConsoleOptions.HELP);
      return;
    }
    String token = System.getenv(TOKEN_ENV);
    if ((token == null || token.isEmpty()) && !isLoopback(options.bind)) {
      System.err.println("warning: listening on " + options.bind + " without " + TOKEN_ENV
          + ": anyone who can reach it can read the warehouse's results");
    }
    ConsoleServer server;
    try {
      server = start(options, token);
    } catch (RuntimeException e) {
      System.err.println("error: cannot listen on " + options.bind + ":" + options.port + ": " + rootMessage(e));
      System.exit(1);
      return;
    }
    Warehouse warehouse = new Warehouse(options.connection());
    System.out.println("Pipewright console on http://" + options.bind + ":" + server.port() + "/ reading "
        + warehouse.describe() + (token == null || token.isEmpty() ? "" : " (token required)"));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    try {
      warehouse.read(session -> null);
    } catch (RuntimeException e) {
      // Not fatal: the database may come up after the console, and every page reports it until then.
      System.err.println("warning: " + e.getMessage() + " The pages say so until it answers.");
    }
  }

  /** Starts a console for {@code options}; {@code token} null or empty: none needed. */
  static ConsoleServer start(ConsoleOptions options, String token) {
    return new ConsoleServer(new Warehouse(options.connection()), options.prefixes, options.pageSize, token,
        options.bind, options.port).start();
  }

  private static boolean isLoopback(String bind) {
    return bind.equals("127.0.0.1") || bind.equals("localhost") || bind.equals("::1");
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
