package io.tidemark.daemon.demo;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The demo talks to its daemon the way a user would: over the HTTP API with the operator token. Blocking
 * (JDK {@link HttpClient}); called from the demo's own thread only, never from an event loop.
 */
final class DemoClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final String baseUrl;
  private final String token;

  DemoClient(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  /** {@code POST /plans} with the plan file's HOCON text; answers the stored plan's receipt. */
  JsonObject submit(String planText) throws IOException, InterruptedException {
    return send(request("/plans").header("Content-Type", "application/hocon")
        .POST(HttpRequest.BodyPublishers.ofString(planText)));
  }

  JsonObject plan(String id) throws IOException, InterruptedException {
    return send(request("/plans/" + encode(id)).GET());
  }

  JsonObject approve(String id) throws IOException, InterruptedException {
    return send(request("/plans/" + encode(id) + "/approve").POST(HttpRequest.BodyPublishers.noBody()));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token);
  }

  private JsonObject send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonObject body = response.body().isBlank() ? new JsonObject() : new JsonObject(response.body());
    if (response.statusCode() >= 400) {
      throw new IOException("HTTP " + response.statusCode() + ": " + body.getString("message", response.body()));
    }
    return body;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
