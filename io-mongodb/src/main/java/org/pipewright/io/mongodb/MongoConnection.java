package org.pipewright.io.mongodb;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.connection.ServerDescription;
import java.io.IOException;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where MongoDB is and how to log in: a connection string ({@code mongodb://} or {@code
 * mongodb+srv://}) and, kept out of it, a password read from an environment variable ({@value
 * #PASSWORD_ENV} unless told otherwise). Every description of a connection ({@link #describe},
 * {@link #toString}, error messages) shows the user but never a password.
 *
 * <p>The password is read where a client is opened ({@link #open}, {@link #check}), on the worker
 * that writes, and put into the connection string only there: it never travels inside the pipeline
 * and is kept out of display data, logs and messages. As with {@code JdbcConnection}, every worker
 * needs the variable.
 *
 * <pre>{@code
 * MongoConnection mongo = MongoConnection.to("mongodb://etl@db.internal:27017/?authSource=admin");
 * mongo.check(); // fails fast, with one message, when the server cannot be reached
 * }</pre>
 */
public final class MongoConnection implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The environment variable read for the password unless told otherwise. */
  public static final String PASSWORD_ENV = "PIPEWRIGHT_MONGO_PASSWORD";

  /** How long {@link #check()} waits for a server to answer. */
  public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(5);

  private final String uri;
  private final @Nullable String passwordEnv;

  private MongoConnection(String uri, @Nullable String passwordEnv) {
    this.uri = uri;
    this.passwordEnv = passwordEnv;
  }

  /**
   * Connects with {@code uri}; the password, if the URI names a user without one, comes from
   * {@value #PASSWORD_ENV}. A URI the driver cannot parse is refused here, with its credentials
   * masked in the message.
   */
  public static MongoConnection to(String uri) {
    checkArgument(uri != null && (uri.startsWith("mongodb://") || uri.startsWith("mongodb+srv://")),
        "MongoDB URI must start with mongodb:// or mongodb+srv://, got '%s'", uri == null ? null : mask(uri));
    try {
      // The driver refuses a user without a password; that password comes later, from the environment
      int[] userInfo = userInfo(uri);
      boolean userOnly = userInfo != null && !uri.substring(userInfo[0], userInfo[1]).contains(":");
      new ConnectionString(userOnly && !uri.contains("authMechanism=") ? withPassword(uri, "x") : uri);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid MongoDB URI " + mask(uri) + ": " + e.getMessage());
    }
    return new MongoConnection(uri, PASSWORD_ENV);
  }

  /** Returns a copy that reads the password from environment variable {@code name}. */
  public MongoConnection withPasswordFromEnv(String name) {
    checkArgument(name != null && !name.isEmpty(), "environment variable name must not be empty");
    return new MongoConnection(uri, name);
  }

  /** The URI with any password replaced by {@code ***}, for messages and display data. */
  public String describe() {
    return mask(uri);
  }

  /** True if the URI itself holds a password (rather than the environment). */
  public boolean hasInlinePassword() {
    int[] userInfo = userInfo(uri);
    return userInfo != null && uri.substring(userInfo[0], userInfo[1]).contains(":");
  }

  /**
   * Pings the server, waiting at most {@link #DEFAULT_CHECK_TIMEOUT}, so that a wrong address fails
   * before a pipeline runs rather than after the driver's 30 s server selection in a worker.
   *
   * @throws IOException with one message naming the server (credentials masked) and the cause
   */
  public void check() throws IOException {
    check(DEFAULT_CHECK_TIMEOUT);
  }

  /** {@link #check()} with another time limit. */
  public void check(Duration timeout) throws IOException {
    checkArgument(timeout != null && !timeout.isNegative() && !timeout.isZero(), "timeout must be > 0");
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    MongoClientSettings settings = MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString(resolvedUri()))
        .applyToClusterSettings(b -> b.serverSelectionTimeout(millis, TimeUnit.MILLISECONDS))
        .applyToSocketSettings(b -> b.connectTimeout(millis, TimeUnit.MILLISECONDS)
            .readTimeout(millis, TimeUnit.MILLISECONDS))
        .build();
    try (MongoClient client = MongoClients.create(settings)) {
      try {
        client.getDatabase("admin").runCommand(new Document("ping", 1));
      } catch (MongoTimeoutException e) {
        throw new IOException("cannot reach MongoDB at " + describe() + " within " + seconds(timeout)
            + ": " + serverProblem(client), e);
      } catch (MongoException e) {
        throw new IOException("MongoDB at " + describe() + " did not answer a ping: " + e.getMessage(), e);
      }
    }
  }

  /** A driver client for this connection (password from the environment as above); the caller closes it. */
  public MongoClient open() {
    return MongoClients.create(resolvedUri());
  }

  /**
   * The URI the driver gets: with the password from the environment when the URI names a user
   * without a password and the variable is set. Never logged or shown.
   */
  String resolvedUri() {
    String password = passwordEnv == null ? null : System.getenv(passwordEnv);
    int[] userInfo = userInfo(uri);
    if (hasInlinePassword()) {
      return uri;
    }
    if (password == null || password.isEmpty()) {
      // Mechanisms such as MONGODB-X509 name a user and need no password
      checkArgument(userInfo == null || uri.contains("authMechanism="), "the MongoDB URI %s names a user "
          + "but no password: set %s", describe(), passwordEnv == null ? PASSWORD_ENV : passwordEnv);
      return uri;
    }
    checkArgument(userInfo != null, "%s is set but the MongoDB URI %s names no user: put it in the URI, "
        + "as in mongodb://USER@host:27017/", passwordEnv, describe());
    return withPassword(uri, password);
  }

  /** {@code uri} with {@code password} (percent-encoded, as the driver decodes it) after its user. */
  static String withPassword(String uri, String password) {
    int[] userInfo = userInfo(uri);
    checkArgument(userInfo != null, "the URI names no user");
    // The driver percent-decodes user information but reads '+' as itself, not as a space
    String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
    return uri.substring(0, userInfo[1]) + ":" + encoded + uri.substring(userInfo[1]);
  }

  /** {@code uri} with the password of its user information, if any, replaced by {@code ***}. */
  static String mask(String uri) {
    int[] userInfo = userInfo(uri);
    if (userInfo == null) {
      return uri;
    }
    String info = uri.substring(userInfo[0], userInfo[1]);
    int colon = info.indexOf(':');
    return colon < 0 ? uri : uri.substring(0, userInfo[0] + colon) + ":***" + uri.substring(userInfo[1]);
  }

  /**
   * Where the user information ({@code user[:password]}) is in {@code uri}: {start, end}, or null if
   * there is none. It ends at the last {@code @} before the path or the options.
   */
  private static int @Nullable [] userInfo(String uri) {
    int start = uri.indexOf("://");
    if (start < 0) {
      return null;
    }
    start += 3;
    int end = uri.length();
    for (int i = start; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '/' || c == '?') {
        end = i;
        break;
      }
    }
    int at = uri.lastIndexOf('@', end - 1);
    return at < start ? null : new int[] {start, at};
  }

  /** Why the servers could not be selected, from the driver's view of them: usually one line. */
  private static String serverProblem(MongoClient client) {
    StringBuilder why = new StringBuilder();
    for (ServerDescription server : client.getClusterDescription().getServerDescriptions()) {
      Throwable e = server.getException();
      while (e != null && e.getCause() != null && e.getCause() != e) {
        e = e.getCause();
      }
      if (why.length() > 0) {
        why.append("; ");
      }
      why.append(server.getAddress()).append(": ")
          .append(e == null ? server.getState().toString().toLowerCase(Locale.ROOT) : e.getMessage());
    }
    return why.length() == 0 ? "no server found" : why.toString();
  }

  private static String seconds(Duration timeout) {
    long millis = timeout.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  @Override
  public String toString() {
    return describe();
  }
}
