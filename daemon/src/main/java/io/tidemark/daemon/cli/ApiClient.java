package io.tidemark.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The CLI's side of the HTTP API, on the JDK's blocking {@link HttpClient} (the CLI has no event loop). Each
 * call answers the parsed JSON body of a 2xx answer, or throws {@link RemoteException} carrying the exit
 * code of README.md: 2 for what the caller got wrong (400, 401, 403, 404, 409, 413: bad input, unknown plan,
 * not allowed now), 1 for what failed on the daemon's side (unreachable, 5xx). Not retried.
 */
final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiClient(String url, String token) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.token = token;
  }

  JsonNode get(String path) {
    return send(request(path).GET());
  }

  JsonNode post(String path, String body, String contentType) {
    return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  JsonNode put(String path, JsonNode body) {
    return send(request(path).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  static String encode(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static ObjectMapper json() {
    return JSON;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b;
    try {
      b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).header("Accept", "application/json");
    } catch (IllegalArgumentException e) {
      throw new RemoteException(ExitCodes.BAD_INPUT, "bad --url " + base + ": " + e.getMessage());
    }
    if (token != null && !token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private JsonNode send(HttpRequest.Builder request) {
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RemoteException(ExitCodes.FAILURE, "cannot reach the daemon at " + base + ": " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteException(ExitCodes.FAILURE, "interrupted");
    }
    JsonNode body = parse(response.body());
    if (response.statusCode() / 100 == 2) {
      return body;
    }
    int code = response.statusCode() >= 500 ? ExitCodes.FAILURE : ExitCodes.BAD_INPUT;
    throw new RemoteException(code, errorText(response.statusCode(), body));
  }

  /** {@code invalid-plan: the plan has 2 problems} then one {@code   path: message (code)} line per detail. */
  private static String errorText(int status, JsonNode body) {
    if (body == null || !body.has("error")) {
      return "HTTP " + status;
    }
    StringBuilder text = new StringBuilder(body.path("error").asText()).append(": ").append(body.path("message").asText());
    for (JsonNode d : body.path("details")) {
      if (d.has("path")) {
        String path = d.path("path").asText();
        text.append("\n  ").append(path.isEmpty() ? "(plan)" : path).append(": ").append(d.path("message").asText())
            .append(" (").append(d.path("code").asText()).append(')');
      }
    }
    return text.toString();
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  /** {@code ConnectException: Connection refused}: the JDK client often puts the reason in the cause. */
  private static String describe(IOException e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return e.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
