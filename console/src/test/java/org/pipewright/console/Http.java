package org.pipewright.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A few GETs against a console, with the JDK client, or over a plain socket where the Host header matters. */
final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
  static final ObjectMapper JSON = new ObjectMapper();

  private Http() {}

  static HttpResponse<String> send(String method, String url, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString("{}"));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String url, String... headers) throws Exception {
    return send("GET", url, headers);
  }

  static JsonNode json(String url) throws Exception {
    HttpResponse<String> response = get(url);
    if (response.statusCode() != 200) {
      throw new AssertionError(url + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** A status and body as {@link #raw} read them. */
  static final class Raw {
    final int status;
    final String body;

    Raw(int status, String body) {
      this.status = status;
      this.body = body;
    }
  }

  /**
   * Sends {@code GET path} to 127.0.0.1:{@code port} with {@code host} as the Host header (none if
   * null), as a browser whose page's name resolves to 127.0.0.1 would: the JDK client sets Host itself.
   */
  static Raw raw(int port, String path, String host, String... headers) throws IOException {
    StringBuilder request = new StringBuilder("GET " + path + (host == null ? " HTTP/1.0" : " HTTP/1.1") + "\r\n");
    if (host != null) {
      request.append("Host: ").append(host).append("\r\n");
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(answer.substring(answer.indexOf(' ') + 1, answer.indexOf(' ') + 4));
      int blank = answer.indexOf("\r\n\r\n");
      return new Raw(status, blank < 0 ? "" : answer.substring(blank + 4));
    }
  }
}
