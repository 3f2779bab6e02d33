package io.tidemark.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tidemark.config.BackfillSettings;
import io.tidemark.config.DaemonSettings;
import io.tidemark.config.DdlSettings;
import io.tidemark.config.Defaults;
import io.tidemark.config.HttpSettings;
import io.tidemark.config.ThrottleSettings;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.metrics.TidemarkMetrics;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {
  @Test
  void documentsExactlyTheRoutesTheServerHasWithTheirMethods() throws Exception {
    JsonNode doc;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi.yaml")) {
      doc = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
    assertThat(doc.path("openapi").asText()).startsWith("3.");
    Set<String> documented = new HashSet<>();
    doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
        .forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));

    Vertx vertx = Vertx.vertx();
    try (TidemarkMetrics metrics = new TidemarkMetrics()) {
      Router router = ApiServer.router(vertx, config(), null, null, metrics, () -> null);
      Set<String> served = new HashSet<>();
      for (Route r : router.getRoutes()) {
        if (r.getPath() != null && r.methods() != null) {
          r.methods().forEach(m -> served.add(m.name() + " " + r.getPath().replaceAll(":([a-z]+)", "{$1}")));
        }
      }
      // HEAD goes with every GET (the document says so once, rather than on every path).
      Set<String> gets = paths(served, "GET ");
      assertThat(gets).isNotEmpty();
      assertThat(paths(served, "HEAD ")).isEqualTo(gets);
      served.removeIf(r -> r.startsWith("HEAD "));
      assertThat(documented).isEqualTo(served);
      for (String p : List.of("/plans", "/plans/{id}/pause", "/plans/{id}/throttle")) {
        doc.path("paths").path(p).fields().forEachRemaining(m ->
            assertThat(m.getValue().path("responses").has("401")).as(p).isTrue());
      }
    } finally {
      vertx.close();
    }
  }

  private static Set<String> paths(Set<String> routes, String method) {
    Set<String> paths = new HashSet<>();
    routes.stream().filter(r -> r.startsWith(method)).forEach(r -> paths.add(r.substring(method.length())));
    return paths;
  }

  private static TidemarkConfig config() {
    Defaults defaults = new Defaults(
        new DdlSettings(Duration.ofMillis(500), Duration.ZERO, 30, Duration.ofMillis(50), Duration.ofSeconds(1)),
        new BackfillSettings(Duration.ofMillis(100), 10, 1000, 0, true),
        new ThrottleSettings(Duration.ZERO, 0, 0, "", "", Duration.ofMillis(200)));
    return new TidemarkConfig("state", new HttpSettings("127.0.0.1", 0, 1024), List.of(), Map.of(), Map.of(), Map.of(),
        defaults, new DaemonSettings("t", Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofMillis(200),
            Duration.ofSeconds(5), "text"), List.of(), List.of());
  }
}
