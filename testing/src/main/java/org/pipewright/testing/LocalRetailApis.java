package org.pipewright.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local stand-in for the two retail APIs on one HTTP server ({@code com.sun.net.httpserver}) on
 * 127.0.0.1, with the data of {@link RetailData}:
 *
 * <ul>
 *   <li>products: {@code GET /v1/trends} ({@code {"time": <epoch ms>, "items": [25 items]}}) and
 *       {@code GET /v1/vod} (one item object), key in {@code apiKey}; a missing or wrong key is
 *       HTTP 401.
 *   <li>currency (currencylayer's shape): {@code GET /api/live} and {@code GET
 *       /api/historical?date=YYYY-MM-DD}, key in {@code access_key}; a missing or wrong key is
 *       HTTP 200 with {@code {"success": false, "error": {"code": 101, ...}}}, as currencylayer
 *       answers.
 * </ul>
 *
 * <p>The products endpoints and {@code /api/live} also take {@code date=YYYY-MM-DD}: the stand-in's
 * "today" (default: the real one), so a past week can be fetched reproducibly.
 *
 * <p>Faults for tests ({@link #fail}, {@link #tooManyRequests}, {@link #slow}, {@link #stalled},
 * {@link #malformed}),
 * each for the next {@code n} answers on paths starting with a prefix, checked in the order they
 * were added; and a log of the requests ({@link #requests}, {@link #requestCount}). The same faults
 * from the command line ({@code --fault=SPEC}) or while running ({@code curl -X POST --data SPEC
 * <url>/_faults}; {@code DELETE /_faults} clears, {@code GET /_requests} counts), see {@link
 * Fault#parse} for the syntax.
 */
public final class LocalRetailApis implements AutoCloseable {
  public static final String DEFAULT_PRODUCTS_KEY = "local-products-key";
  public static final String DEFAULT_FX_KEY = "local-fx-key";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final RetailData data;
  private final String productsKey;
  private final String fxKey;
  private final List<Fault> faults = new ArrayList<>();
  private final List<Request> log = new ArrayList<>();

  /** One answered request: what was asked (keys masked) and what came back. */
  public static final class Request {
    private final String path;
    private final String query;
    private final int status;
    private final String fault;

    Request(String path, String query, int status, String fault) {
      this.path = path;
      this.query = query;
      this.status = status;
      this.fault = fault;
    }

    public String path() {
      return path;
    }

    /** The query with key values masked; empty when there was none. */
    public String query() {
      return query;
    }

    public int status() {
      return status;
    }

    /** The fault that shaped the answer, or null. */
    public String fault() {
      return fault;
    }

    @Override
    public String toString() {
      return path + (query.isEmpty() ? "" : "?" + query) + " -> " + status + (fault == null ? "" : " (" + fault + ")");
    }
  }

  private LocalRetailApis(HttpServer server, ExecutorService executor, RetailData data, String productsKey,
      String fxKey) {
    this.server = server;
    this.executor = executor;
    this.data = data;
    this.productsKey = productsKey;
    this.fxKey = fxKey;
  }

  /** Starts on a free port with the default keys and data. */
  public static LocalRetailApis start() {
    return start(0, DEFAULT_PRODUCTS_KEY, DEFAULT_FX_KEY, RetailData.standard());
  }

  /** Starts on {@code port} (0 picks a free one) expecting the given keys. */
  public static LocalRetailApis start(int port, String productsKey, String fxKey, RetailData data) {
    Objects.requireNonNull(productsKey, "productsKey");
    Objects.requireNonNull(fxKey, "fxKey");
    int bound = Net.portOrFree(port);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(Net.HOST, bound), 64);
    } catch (IOException e) {
      throw new IllegalStateException("the retail API stand-in cannot listen on " + Net.HOST + ":" + bound
          + " (" + e.getMessage() + ")", e);
    }
    // A thread per request: a slow answer must not hold up the others
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "retail-apis");
      t.setDaemon(true);
      return t;
    });
    LocalRetailApis apis = new LocalRetailApis(server, executor, data, productsKey, fxKey);
    server.createContext("/", apis::handle);
    server.setExecutor(executor);
    server.start();
    return apis;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:<port>}: the base URL of both APIs. */
  public String url() {
    return "http://" + Net.HOST + ":" + port();
  }

  public String productsKey() {
    return productsKey;
  }

  public String fxKey() {
    return fxKey;
  }

  public RetailData data() {
    return data;
  }

  // ----- faults -----

  /** The next {@code times} answers on paths starting with {@code pathPrefix} are HTTP {@code status}. */
  public LocalRetailApis fail(String pathPrefix, int times, int status) {
    return add(new Fault(Fault.Kind.STATUS, pathPrefix, times, status, 0));
  }

  /** The next {@code times} answers are 429 with {@code Retry-After: retryAfterSeconds}. */
  public LocalRetailApis tooManyRequests(String pathPrefix, int times, int retryAfterSeconds) {
    return add(new Fault(Fault.Kind.STATUS, pathPrefix, times, 429, retryAfterSeconds));
  }

  /** The next {@code times} answers come after {@code delay} (then as usual). */
  public LocalRetailApis slow(String pathPrefix, int times, Duration delay) {
    return add(new Fault(Fault.Kind.SLOW, pathPrefix, times, 0, delay.toMillis()));
  }

  /**
   * The next {@code times} answers send their headers and half their body, then wait {@code delay}
   * before the rest: a server that stalls mid-answer.
   */
  public LocalRetailApis stalled(String pathPrefix, int times, Duration delay) {
    return add(new Fault(Fault.Kind.STALLED, pathPrefix, times, 0, delay.toMillis()));
  }

  /** The next {@code times} answers have their body cut in half (truncated JSON). */
  public LocalRetailApis malformed(String pathPrefix, int times) {
    return add(new Fault(Fault.Kind.MALFORMED, pathPrefix, times, 0, 0));
  }

  /** Adds a fault given as text ({@link Fault#parse}). */
  public LocalRetailApis fault(String spec) {
    return add(Fault.parse(spec));
  }

  /** Removes every fault still pending. */
  public synchronized LocalRetailApis clearFaults() {
    faults.clear();
    return this;
  }

  private synchronized LocalRetailApis add(Fault fault) {
    faults.add(fault);
    return this;
  }

  private synchronized Fault takeFault(String path) {
    for (Fault fault : faults) {
      if (fault.matches(path)) {
        fault.use();
        if (fault.exhausted()) {
          faults.remove(fault);
        }
        return fault;
      }
    }
    return null;
  }

  // ----- the request log -----

  /** The requests answered so far, oldest first (admin requests excluded). */
  public synchronized List<Request> requests() {
    return List.copyOf(log);
  }

  public synchronized int requestCount() {
    return log.size();
  }

  /** How many requests were answered on paths starting with {@code pathPrefix}. */
  public synchronized int requestCount(String pathPrefix) {
    int n = 0;
    for (Request request : log) {
      if (request.path.startsWith(pathPrefix)) {
        n++;
      }
    }
    return n;
  }

  public synchronized void clearRequests() {
    log.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ----- answering -----

  private static final class Answer {
    final int status;
    final String body;
    final Map<String, String> headers = new HashMap<>();

    Answer(int status, String body) {
      this.status = status;
      this.body = body;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith("/_")) {
        respond(exchange, admin(exchange, path));
        return;
      }
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      Fault fault = takeFault(path);
      Answer answer;
      if (fault != null && fault.kind == Fault.Kind.STATUS) {
        answer = new Answer(fault.status, json(error(fault.status, "injected fault: HTTP " + fault.status)));
        if (fault.status == 429) {
          answer.headers.put("Retry-After", Long.toString(fault.arg));
        }
      } else {
        answer = answer(exchange.getRequestMethod(), path, query);
        if (fault != null && fault.kind == Fault.Kind.MALFORMED) {
          answer = new Answer(answer.status, answer.body.substring(0, answer.body.length() / 2));
        }
      }
      // Logged on arrival, before a slow answer's delay: a client that gave up has still been counted
      synchronized (this) {
        log.add(new Request(path, masked(exchange.getRequestURI().getRawQuery()), answer.status,
            fault == null ? null : fault.toString()));
      }
      if (fault != null && fault.kind == Fault.Kind.SLOW) {
        Thread.sleep(fault.arg);
      }
      respond(exchange, answer, fault != null && fault.kind == Fault.Kind.STALLED ? fault.arg : 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
    } catch (RuntimeException e) {
      respond(exchange, new Answer(500, json(error(500, "stand-in error: " + e))));
    } finally {
      exchange.close();
    }
  }

  private Answer answer(String method, String path, Map<String, String> query) {
    if (!method.equals("GET")) {
      return new Answer(405, json(error(405, "only GET is supported")));
    }
    switch (path) {
      case "/v1/trends":
      case "/v1/vod": {
        if (!productsKey.equals(query.get("apiKey"))) {
          return new Answer(401, json(error(401, "Unauthorized: missing or invalid apiKey")));
        }
        LocalDate date;
        try {
          date = date(query.get("date"));
        } catch (DateTimeParseException e) {
          return new Answer(400, json(error(400, "invalid date: expected date=YYYY-MM-DD")));
        }
        return new Answer(200, json(path.equals("/v1/trends") ? data.trends(date) : data.valueOfTheDay(date)));
      }
      case "/api/live":
      case "/api/historical": {
        String key = query.get("access_key");
        if (key == null || key.isEmpty()) {
          return new Answer(200, json(fxError(101, "missing_access_key",
              "You have not supplied an API Access Key. [Required format: access_key=YOUR_ACCESS_KEY]")));
        }
        if (!fxKey.equals(key)) {
          return new Answer(200, json(fxError(101, "invalid_access_key",
              "You have not supplied a valid API Access Key. [Technical Support: support@apilayer.com]")));
        }
        boolean historical = path.equals("/api/historical");
        LocalDate date;
        try {
          date = historical && query.get("date") == null ? null : date(query.get("date"));
        } catch (DateTimeParseException e) {
          date = null;
        }
        if (date == null || (historical && date.isAfter(LocalDate.now(ZoneOffset.UTC)))) {
          return new Answer(200, json(fxError(302, "invalid_date",
              "You have entered an invalid date. [Required format: date=YYYY-MM-DD]")));
        }
        long timestamp = historical || query.containsKey("date") ? RetailData.endOfDay(date)
            : Instant.now().truncatedTo(ChronoUnit.HOURS).getEpochSecond();
        return new Answer(200, json(data.ratesAnswer(date, historical, timestamp)));
      }
      default:
        if (path.startsWith("/api/")) {
          return new Answer(200, json(fxError(103, "invalid_api_function", "This API Function does not exist.")));
        }
        return new Answer(404, json(error(404, "Not found")));
    }
  }

  private Answer admin(HttpExchange exchange, String path) throws IOException {
    String method = exchange.getRequestMethod();
    if (path.equals("/_faults") && method.equals("POST")) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      try {
        for (String line : body.split("\\R")) {
          if (!line.isBlank()) {
            fault(line.strip());
          }
        }
      } catch (IllegalArgumentException e) {
        return new Answer(400, json(error(400, e.getMessage())));
      }
      return new Answer(200, "{\"ok\":true}");
    }
    if (path.equals("/_faults") && method.equals("DELETE")) {
      clearFaults();
      return new Answer(200, "{\"ok\":true}");
    }
    if (path.equals("/_requests") && method.equals("GET")) {
      ObjectNode counts = MAPPER.createObjectNode();
      synchronized (this) {
        counts.put("count", log.size());
        ObjectNode byPath = counts.putObject("byPath");
        for (Request request : log) {
          byPath.put(request.path, byPath.path(request.path).asInt(0) + 1);
        }
      }
      return new Answer(200, json(counts));
    }
    return new Answer(404, json(error(404, "admin paths: POST/DELETE /_faults, GET /_requests")));
  }

  private static LocalDate date(String text) {
    return text == null ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(text);
  }

  private static ObjectNode error(int code, String message) {
    ObjectNode body = MAPPER.createObjectNode();
    ObjectNode error = body.putArray("errors").addObject();
    error.put("code", code);
    error.put("message", message);
    return body;
  }

  private static ObjectNode fxError(int code, String type, String info) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("success", false);
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("type", type);
    error.put("info", info);
    return body;
  }

  private static String json(ObjectNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static String masked(String rawQuery) {
    return rawQuery == null ? "" : rawQuery.replaceAll("((?:^|&)(?:apiKey|access_key)=)[^&]*", "$1***");
  }

  private static void respond(HttpExchange exchange, Answer answer) throws IOException {
    try {
      respond(exchange, answer, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Answers; with a {@code stallMillis}, half the body, then the rest that much later. */
  private static void respond(HttpExchange exchange, Answer answer, long stallMillis)
      throws IOException, InterruptedException {
    byte[] bytes = answer.body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    answer.headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    try {
      exchange.sendResponseHeaders(answer.status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        int half = stallMillis > 0 ? bytes.length / 2 : bytes.length;
        out.write(bytes, 0, half);
        out.flush();
        Thread.sleep(stallMillis);
        out.write(bytes, half, bytes.length - half);
      }
    } catch (IOException e) {
      // The client gave up (a timeout in a test): nothing left to answer
    }
  }

  /**
   * Runs the stand-in until SIGTERM or SIGINT. Arguments, all optional, as {@code --name=value}:
   * {@code port} (default 8089; 0 picks a free one), {@code productsKey}, {@code fxKey}, {@code
   * seed}, and {@code fault} (repeatable, see {@link Fault#parse}).
   */
  public static void main(String[] args) throws Exception {
    int port = 8089;
    String productsKey = DEFAULT_PRODUCTS_KEY;
    String fxKey = DEFAULT_FX_KEY;
    long seed = RetailData.DEFAULT_SEED;
    List<String> faultSpecs = new ArrayList<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("expected --name=value, got " + arg);
      }
      String name = arg.substring(2, eq);
      String value = arg.substring(eq + 1);
      switch (name) {
        case "port": port = Integer.parseInt(value); break;
        case "productsKey": productsKey = value; break;
        case "fxKey": fxKey = value; break;
        case "seed": seed = Long.parseLong(value); break;
        case "fault": faultSpecs.add(value); break;
        default: throw new IllegalArgumentException("unknown option --" + name
            + " (known: port, productsKey, fxKey, seed, fault)");
      }
    }
    LocalRetailApis apis = start(port, productsKey, fxKey, RetailData.withSeed(seed));
    for (String spec : faultSpecs) {
      apis.fault(spec);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      apis.close();
      stopped.countDown();
    }, "retail-apis-stop"));
    System.out.print(apis.describe());
    System.out.flush();
    stopped.await();
  }

  /** The stand-in's lines for a stack description: a comment and the environment variables. */
  public String describe() {
    return "#   Retail APIs " + url() + "  products /v1/trends, /v1/vod (apiKey); currency /api/live,"
        + " /api/historical (access_key); faults: POST " + url() + "/_faults\n"
        + "export PIPEWRIGHT_PRODUCTS_API_URL=" + url() + "\n"
        + "export PIPEWRIGHT_PRODUCTS_API_KEY=" + productsKey + "\n"
        + "export PIPEWRIGHT_FX_API_URL=" + url() + "\n"
        + "export PIPEWRIGHT_FX_API_KEY=" + fxKey + "\n";
  }

  /**
   * A fault for the next answers on some paths. As text: {@code KIND[:ARG][*COUNT][@PATH]}, where
   * KIND is an HTTP status ({@code 500}, {@code 503}; {@code 429} takes ARG = Retry-After seconds,
   * default 1), {@code slow} (ARG = delay in ms before the answer), {@code stalled} (ARG = delay in ms
   * after half the body) or {@code malformed}; COUNT is a number (default
   * 1) or {@code all}; PATH a path prefix (default: every path). Examples: {@code 503*3@/v1/trends},
   * {@code 429:2*5@/api}, {@code slow:5000@/v1/vod}, {@code malformed*all@/api/historical}.
   */
  public static final class Fault {
    enum Kind { STATUS, SLOW, STALLED, MALFORMED }

    final Kind kind;
    final String pathPrefix;
    final int status;
    final long arg;
    private int remaining;

    Fault(Kind kind, String pathPrefix, int times, int status, long arg) {
      if (times < 1 && times != -1) {
        throw new IllegalArgumentException("a fault needs a count >= 1 (or all), got " + times);
      }
      if (kind == Kind.STATUS && (status < 400 || status > 599)) {
        throw new IllegalArgumentException("a fault status must be 4xx or 5xx, got " + status);
      }
      this.kind = kind;
      this.pathPrefix = pathPrefix == null ? "" : pathPrefix;
      this.remaining = times;
      this.status = status;
      this.arg = arg;
    }

    /** Parses {@code KIND[:ARG][*COUNT][@PATH]} (see the class comment). */
    public static Fault parse(String spec) {
      String rest = spec.strip();
      String path = "";
      int at = rest.indexOf('@');
      if (at >= 0) {
        path = rest.substring(at + 1);
        rest = rest.substring(0, at);
      }
      int times = 1;
      int star = rest.indexOf('*');
      try {
        if (star >= 0) {
          String count = rest.substring(star + 1);
          times = count.equals("all") ? -1 : Integer.parseInt(count);
          rest = rest.substring(0, star);
        }
        int colon = rest.indexOf(':');
        String kind = colon < 0 ? rest : rest.substring(0, colon);
        Long arg = colon < 0 ? null : Long.parseLong(rest.substring(colon + 1));
        switch (kind) {
          case "slow":
            if (arg == null) {
              throw new IllegalArgumentException("slow needs a delay in ms: slow:5000");
            }
            return new Fault(Kind.SLOW, path, times, 0, arg);
          case "stalled":
            if (arg == null) {
              throw new IllegalArgumentException("stalled needs a delay in ms: stalled:5000");
            }
            return new Fault(Kind.STALLED, path, times, 0, arg);
          case "malformed":
            return new Fault(Kind.MALFORMED, path, times, 0, 0);
          default:
            int status = Integer.parseInt(kind);
            return new Fault(Kind.STATUS, path, times, status, status == 429 && arg == null ? 1 : arg == null ? 0 : arg);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad fault '" + spec
            + "': expected KIND[:ARG][*COUNT][@PATH], KIND a status, slow, stalled or malformed (e.g. 503*3@/v1/trends)");
      }
    }

    boolean matches(String path) {
      return path.startsWith(pathPrefix);
    }

    void use() {
      if (remaining > 0) {
        remaining--;
      }
    }

    boolean exhausted() {
      return remaining == 0;
    }

    @Override
    public String toString() {
      String what = kind == Kind.STATUS ? status + (status == 429 ? ":" + arg : "")
          : kind == Kind.SLOW ? "slow:" + arg : kind == Kind.STALLED ? "stalled:" + arg : "malformed";
      return what + (pathPrefix.isEmpty() ? "" : "@" + pathPrefix);
    }
  }
}
