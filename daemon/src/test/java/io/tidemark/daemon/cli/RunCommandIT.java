package io.tidemark.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code java -jar tidemark.jar run --config FILE}, as deploy/ starts it: the packaged jar becomes ready,
 * answers its health checks, never prints its token, and exits 0 on SIGTERM.
 */
@ExtendWith(FreshDatabaseExtension.class)
class RunCommandIT {
  private static final String TOKEN = "run-command-it-secret-token-4711";

  @Test
  void packagedJarRunsTheDaemonUntilSigtermAndExitsZero(TestDatabase db) throws Exception {
    Path jar = Path.of("target/tidemark.jar");
    assertThat(jar).as("the shaded jar is built in the package phase, before the ITs").exists();
    int port = freePort();
    Path dir = Files.createTempDirectory("tidemark-run");
    Path conf = dir.resolve("tidemark.conf");
    Files.writeString(conf, """
        tidemark {
          http { host = "127.0.0.1", port = %d }
          auth.tokens = [ { name = oncall, role = operator, token = "%s" } ]
          databases { main { url = "%s?sslmode=disable" } }
          daemon { shutdown-timeout = 5s }
        }
        """.formatted(port, TOKEN, db.url()));
    Path log = dir.resolve("out.log");
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx192m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "run", "--config", conf.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      awaitReady(p, log);
      HttpClient http = HttpClient.newHttpClient();
      assertThat(get(http, port, "/health/live")).isEqualTo(200);
      assertThat(get(http, port, "/health/ready")).isEqualTo(200);

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped within the shutdown timeout").isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(Files.readString(log)).doesNotContain(TOKEN);
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aBadConfigIsRefusedWithEveryProblemAndExitCodeTwo() throws Exception {
    Path conf = Files.createTempFile("tidemark-bad", ".conf");
    Files.writeString(conf, "tidemark { http.port = -1, databases { a { url = \"mysql://x/y\" } } }");
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-jar", "target/tidemark.jar", "run", "--config", conf.toString()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(out).contains("tidemark.http.port").contains("tidemark.databases.a.url");
  }

  private static void awaitReady(Process p, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      String out = Files.readString(log);
      if (out.contains(" ready")) {
        return;
      }
      if (!p.isAlive()) {
        throw new AssertionError("daemon exited with " + p.exitValue() + ":\n" + out);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("daemon not ready in 90 s:\n" + Files.readString(log));
  }

  private static int get(HttpClient http, int port, String path) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build();
    return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
