package org.pipewright.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The console's HTTP server: GET routes only, every page and {@code /api} answer read from the
 * warehouse on a read-only connection, an optional access token, and clear pages for a database
 * that is down (HTTP 503) or a request without the token (HTTP 401), never a stack trace. Without a
 * token it answers only requests addressed to its own names (else HTTP 421), so a web page cannot
 * rebind a DNS name of its own to the console's address and read it as its own origin.
 *
 * <p>Pages hold no script of their own and the Content-Security-Policy allows only the console's
 * own script files, so data that holds {@code <script>} could not run even if it were not escaped
 * (it is: the templates escape every value).
 */
final class ConsoleServer implements AutoCloseable {
  /** The cookie a valid {@code ?token=} sets: the SHA-256 of the token, not the token itself. */
  static final String COOKIE = "pipewright_console";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
      + " img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private final Warehouse warehouse;
  private final Datasets datasets;
  private final DeadLetters deadLetters;
  private final @Nullable String tokenHash;
  /** The host names (lower case, IPv6 in brackets) a tokenless console answers to. */
  private final Set<String> ownNames;
  private final TemplateEngine templates =
      TemplateEngine.createPrecompiled(null, ContentType.Html, ConsoleServer.class.getClassLoader(),
          "org.pipewright.console.jte");
  private final String echartsPath;
  private final Javalin app;

  /** Serves on {@code bind:port} (port 0: a free one); {@code token} null: no token needed. */
  ConsoleServer(Warehouse warehouse, Prefixes prefixes, int pageSize, @Nullable String token, String bind, int port) {
    this.warehouse = warehouse;
    this.datasets = new Datasets(prefixes);
    this.deadLetters = new DeadLetters(prefixes, pageSize);
    this.tokenHash = token == null || token.isEmpty() ? null : sha256(token);
    this.ownNames = Set.copyOf(List.of("localhost", "127.0.0.1", "[::1]", hostForm(bind).toLowerCase(Locale.ROOT)));
    this.echartsPath = "/META-INF/resources/webjars/echarts/" + echartsVersion() + "/dist/echarts.min.js";
    this.app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.jetty.host = bind;
      config.jetty.port = port;
      config.routes.before(this::guard);
      config.routes.get("/", ctx -> ctx.redirect("/runs"));
      for (String page : Pages.NAMES) {
        config.routes.get("/" + page, ctx -> html(ctx, "sections.jte",
            warehouse.read(s -> Pages.build(page, datasets, s, Instant.now()))));
      }
      config.routes.get("/dead-letters", this::deadLetterPage);
      config.routes.get("/api", ctx -> json(ctx, apiIndex()));
      config.routes.get("/api/dead-letters", ctx -> {
        DeadLetters.Filter filter = filter(ctx);
        json(ctx, deadLetters.json(filter, warehouse.read(s -> deadLetters.find(s, filter))));
      });
      config.routes.get("/api/<name>", this::dataset);
      config.routes.get("/static/echarts.min.js", ctx -> resource(ctx, echartsPath, "text/javascript"));
      config.routes.get("/static/console.js", ctx -> resource(ctx, "/static/console.js", "text/javascript"));
      config.routes.get("/static/console.css", ctx -> resource(ctx, "/static/console.css", "text/css"));
      config.routes.exception(Warehouse.Unavailable.class, (e, ctx) -> problem(ctx, 503, "Database unavailable",
          e.getMessage() + " The console tries again on every request: reload when it is back."));
      config.routes.exception(Exception.class, (e, ctx) -> {
        // The log gets the cause; the browser only a short message (no stack trace, no SQL).
        System.err.println("console: " + ctx.method() + " " + ctx.path() + " failed: " + e);
        problem(ctx, 500, "Something went wrong", "The console could not answer this request; its log says why.");
      });
      config.routes.error(404, ctx -> {
        if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint")) {
          problem(ctx, 404, "Not found", "There is no page " + ctx.path() + " here.");
        }
      });
    });
  }

  ConsoleServer start() {
    app.start();
    return this;
  }

  int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  // ---- the guard: its own host names without a token, GET only, and the token when one is set ---

  private void guard(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-store");
    if (tokenHash == null && !isOwnHost(ctx.header("Host"), ctx.req().getLocalPort())) {
      problem(ctx, 421, "Wrong host name", "This console answers only at its own address, e.g. http://127.0.0.1:"
          + ctx.req().getLocalPort() + "/ or http://localhost:" + ctx.req().getLocalPort() + "/: the request named"
          + " another host. To serve it under other names, set " + Console.TOKEN_ENV + ".");
      ctx.skipRemainingHandlers();
      return;
    }
    if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
      ctx.header("Allow", "GET, HEAD");
      problem(ctx, 405, "Read-only", "The console only reads: " + ctx.method() + " is not allowed.");
      ctx.skipRemainingHandlers();
      return;
    }
    if (tokenHash == null) {
      return;
    }
    String query = ctx.queryParam("token");
    if (query != null && matches(sha256(query))) {
      // Once: the cookie carries on, and the token leaves the address bar (and the history).
      ctx.header("Set-Cookie", COOKIE + "=" + tokenHash + "; Path=/; HttpOnly; SameSite=Strict");
      ctx.redirect(withoutToken(ctx));
      ctx.skipRemainingHandlers();
      return;
    }
    String header = ctx.header("Authorization");
    boolean ok = header != null && header.startsWith("Bearer ") && matches(sha256(header.substring(7).trim()))
        || ctx.cookie(COOKIE) != null && matches(ctx.cookie(COOKIE));
    if (!ok) {
      ctx.header("WWW-Authenticate", "Bearer");
      problem(ctx, 401, "Token needed", "This console needs its access token: open it once as ?token=<token>"
          + " (a cookie keeps it), or send the header Authorization: Bearer <token>.");
      ctx.skipRemainingHandlers();
    }
  }

  /**
   * Whether {@code host} (the Host header) is one of {@link #ownNames}, with the console's port or
   * none. A browser sends the name of the page's origin: after DNS rebinding that is the attacker's
   * name, never one of these.
   */
  private boolean isOwnHost(@Nullable String host, int localPort) {
    if (host == null) {
      return false;
    }
    int end = host.startsWith("[") ? host.indexOf(']') + 1 : host.indexOf(':') < 0 ? host.length() : host.indexOf(':');
    String port = host.substring(Math.max(end, 0));
    return end > 0 && (port.isEmpty() || port.equals(":" + localPort))
        && ownNames.contains(host.substring(0, end).toLowerCase(Locale.ROOT));
  }

  /** An address as a Host header writes it: an IPv6 literal in brackets. */
  private static String hostForm(String address) {
    return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
  }

  private boolean matches(String hash) {
    return MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII), tokenHash.getBytes(StandardCharsets.US_ASCII));
  }

  private static String withoutToken(Context ctx) {
    List<String> params = new ArrayList<>();
    for (Map.Entry<String, List<String>> p : ctx.queryParamMap().entrySet()) {
      if (!p.getKey().equals("token")) {
        for (String v : p.getValue()) {
          params.add(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8) + "="
              + URLEncoder.encode(v, StandardCharsets.UTF_8));
        }
      }
    }
    return ctx.path() + (params.isEmpty() ? "" : "?" + String.join("&", params));
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- routes ----------------------------------------------------------------------------------

  private void dataset(Context ctx) {
    Datasets.Dataset dataset = datasets.get(ctx.pathParam("name"));
    if (dataset == null) {
      ctx.status(404);
      json(ctx, Map.of("error", "no dataset '" + ctx.pathParam("name") + "'; GET /api lists them"));
      return;
    }
    json(ctx, warehouse.read(s -> Datasets.read(s, dataset)).json());
  }

  private Map<String, Object> apiIndex() {
    Map<String, Object> index = new LinkedHashMap<>();
    List<String> urls = new ArrayList<>();
    for (String name : datasets.names()) {
      urls.add("/api/" + name);
    }
    urls.add("/api/dead-letters?pipeline=&kind=&reason=&page=1");
    index.put("datasets", urls);
    return index;
  }

  private static DeadLetters.Filter filter(Context ctx) {
    int page;
    try {
      page = ctx.queryParam("page") == null ? 1 : Integer.parseInt(ctx.queryParam("page"));
    } catch (NumberFormatException e) {
      page = 1;
    }
    return new DeadLetters.Filter(ctx.queryParam("pipeline"), ctx.queryParam("kind"), ctx.queryParam("reason"), page);
  }

  private void deadLetterPage(Context ctx) {
    DeadLetters.Filter filter = filter(ctx);
    DeadLetters.Found found = warehouse.read(s -> deadLetters.find(s, filter));
    List<List<String>> rows = new ArrayList<>();
    for (Map<String, Object> row : found.rows) {
      rows.add(Pages.cells(row));
    }
    int pages = (int) Math.max(1, (found.total + deadLetters.pageSize() - 1) / deadLetters.pageSize());
    html(ctx, "deadletters.jte", new Views.DeadLetterPage(filter.pipeline, filter.kind, filter.reason,
        DeadLetters.PIPELINES, found.kinds, found.missingTables, rows, found.total, filter.page, pages,
        filter.page > 1 ? pageLink(filter, filter.page - 1) : "",
        filter.page < pages ? pageLink(filter, filter.page + 1) : ""));
  }

  private static String pageLink(DeadLetters.Filter f, int page) {
    return "/dead-letters?pipeline=" + URLEncoder.encode(f.pipeline, StandardCharsets.UTF_8)
        + "&kind=" + URLEncoder.encode(f.kind, StandardCharsets.UTF_8)
        + "&reason=" + URLEncoder.encode(f.reason, StandardCharsets.UTF_8) + "&page=" + page;
  }

  // ---- answers ---------------------------------------------------------------------------------

  private void html(Context ctx, String template, Object model) {
    StringOutput out = new StringOutput();
    templates.render(template, model, out);
    ctx.html(out.toString());
  }

  private static void json(Context ctx, Object value) {
    try {
      ctx.contentType("application/json").result(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An error as JSON under /api, else as a page. */
  private void problem(Context ctx, int status, String title, String message) {
    ctx.status(status);
    if (ctx.path().startsWith("/api")) {
      json(ctx, Map.of("error", message));
    } else {
      Map<String, Object> model = new LinkedHashMap<>();
      model.put("title", title);
      model.put("message", message);
      StringOutput out = new StringOutput();
      templates.render("message.jte", model, out);
      ctx.html(out.toString());
    }
  }

  private static void resource(Context ctx, String path, String type) throws IOException {
    try (InputStream in = ConsoleServer.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      ctx.header("Cache-Control", "max-age=3600");
      ctx.contentType(type + "; charset=utf-8").result(in.readAllBytes());
    }
  }

  private static String echartsVersion() {
    Properties p = new Properties();
    try (InputStream in = ConsoleServer.class.getResourceAsStream("/pipewright-console.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("echarts.version");
  }
}
