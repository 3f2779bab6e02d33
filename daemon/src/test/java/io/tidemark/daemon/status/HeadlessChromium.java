package io.tidemark.daemon.status;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium} driven over the Chrome DevTools Protocol: launched headless with a throw-away
 * profile and {@code --remote-debugging-port=0}, its DevTools address read from stderr, one page target
 * driven through a Vert.x WebSocket. Only what the status page test needs: navigate, evaluate JavaScript,
 * wait for a condition. Closing kills the browser and deletes the profile.
 *
 * <p>When no browser is installed, {@link #launch} fails with how to install it: under {@code CI=true} this is
 * a test failure like any other, never a skip (the CI image must have it; {@code .ci/run} installs it).
 */
final class HeadlessChromium implements AutoCloseable {
  private static final List<String> BINARIES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
      "/usr/bin/google-chrome");
  private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

  private final Process process;
  private final Path profile;
  private final Vertx vertx;
  private final WebSocketClient client;
  private final WebSocket page;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, Path profile, Vertx vertx, WebSocketClient client, WebSocket page) {
    this.process = process;
    this.profile = profile;
    this.vertx = vertx;
    this.client = client;
    this.page = page;
    page.textMessageHandler(this::received);
  }

  static HeadlessChromium launch() throws Exception {
    String binary = binary().orElseThrow(() -> new AssertionError("Chromium is not installed (looked for "
        + String.join(", ", BINARIES) + " and $CHROMIUM_BIN). Install it: apt-get update && apt-get install -y"
        + " chromium" + ("true".equals(System.getenv("CI")) ? " (.ci/run does this when /usr/bin/chromium is missing)" : "")));
    Path profile = Files.createTempDirectory("tidemark-chromium-");
    Process process = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      URI browser = URI.create(devToolsUrl(process));
      String pageUrl = pageTarget(browser);
      Vertx vertx = Vertx.vertx();
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setMaxFrameSize(16 << 20).setMaxMessageSize(64 << 20));
      // DevTools refuses handshakes carrying an Origin it was not told to allow: send none.
      WebSocket ws = client.connect(new WebSocketConnectOptions().setAbsoluteURI(pageUrl).setAllowOriginHeader(false))
          .toCompletionStage().toCompletableFuture().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return new HeadlessChromium(process, profile, vertx, client, ws);
    } catch (Exception | AssertionError e) {
      process.destroyForcibly();
      deleteTree(profile);
      throw e;
    }
  }

  /** Loads {@code url} and waits until the document has loaded. */
  void navigate(String url) throws Exception {
    call("Page.navigate", new JsonObject().put("url", url));
    waitFor("document loaded", "document.readyState === 'complete'", Duration.ofSeconds(15));
  }

  /** The value of {@code expression} (awaited when it is a promise), as JSON-compatible Java. */
  Object evaluate(String expression) throws Exception {
    JsonObject result = call("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true));
    if (result.containsKey("exceptionDetails")) {
      throw new AssertionError("JavaScript failed: " + expression + " -> " + result.getJsonObject("exceptionDetails").encode());
    }
    return result.getJsonObject("result").getValue("value");
  }

  /** Polls {@code expression} until it is truthy; fails after {@code timeout} naming {@code what}. */
  Object waitFor(String what, String expression, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object last = null;
    while (System.nanoTime() < deadline) {
      last = evaluate(expression);
      if (truthy(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what + " (last value: " + last + ")");
  }

  /** Saves a PNG of the page as it is now (for people reading a CI run's artifacts). */
  void screenshot(Path file) throws Exception {
    call("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 1280).put("height", 800)
        .put("deviceScaleFactor", 1).put("mobile", false));
    String png = call("Page.captureScreenshot", new JsonObject().put("format", "png")).getString("data");
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(png));
  }

  @Override
  public void close() {
    try {
      page.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the browser is killed below anyway
    }
    // Chromium's helper processes (network service, crash handler) outlive a killed browser for a moment and
    // keep writing into the profile; stop them too, or deleting the profile races their files.
    List<ProcessHandle> helpers = process.descendants().toList();
    process.destroy();
    helpers.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      for (ProcessHandle h : helpers) {
        h.onExit().get(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      helpers.forEach(ProcessHandle::destroyForcibly);
    }
    client.close();
    vertx.close();
    deleteTree(profile);
  }

  private JsonObject call(String method, JsonObject params) throws Exception {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    page.writeTextMessage(new JsonObject().put("id", id).put("method", method).put("params", params).encode());
    JsonObject message = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (message.containsKey("error")) {
      throw new AssertionError(method + " failed: " + message.getJsonObject("error").encode());
    }
    return message.getJsonObject("result", new JsonObject());
  }

  /** Answers complete their call; events (messages without an id) are not needed here. */
  private void received(String text) {
    JsonObject message = new JsonObject(text);
    Long id = message.getLong("id");
    if (id != null) {
      Optional.ofNullable(pending.remove(id)).ifPresent(f -> f.complete(message));
    }
  }

  private static boolean truthy(Object v) {
    return v != null && !Boolean.FALSE.equals(v) && !"".equals(v) && !(v instanceof Number n && n.doubleValue() == 0);
  }

  private static Optional<String> binary() {
    return Stream.concat(Stream.ofNullable(System.getenv("CHROMIUM_BIN")), BINARIES.stream())
        .filter(b -> Files.isExecutable(Path.of(b))).findFirst();
  }

  /** Reads stderr until the DevTools line; a thread keeps draining it afterwards so the browser never blocks. */
  private static String devToolsUrl(Process process) throws Exception {
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      StringBuilder seen = new StringBuilder();
      try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line = err.readLine(); line != null; line = err.readLine()) {
          Matcher m = DEVTOOLS.matcher(line);
          if (m.find()) {
            url.complete(m.group(1));
          } else if (!url.isDone() && seen.length() < 4000) {
            seen.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      url.completeExceptionally(new AssertionError("chromium exited before listening; stderr:\n" + seen));
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    return url.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** The DevTools address of the page the browser opened ({@code /json/list} on the same port). */
  private static String pageTarget(URI browser) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI list = URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(list).build(), HttpResponse.BodyHandlers.ofString());
      JsonArray targets = new JsonArray(r.body());
      Predicate<Object> isPage = t -> "page".equals(((JsonObject) t).getString("type"));
      Optional<Object> page = targets.stream().filter(isPage).findFirst();
      if (page.isPresent()) {
        return ((JsonObject) page.get()).getString("webSocketDebuggerUrl");
      }
      Thread.sleep(100);
    }
    throw new AssertionError("chromium opened no page target");
  }

  /**
   * Best effort: a file that vanishes during the walk (a helper process still finishing) surfaces as an
   * {@link UncheckedIOException} from the stream, and a temp directory left behind is harmless.
   */
  private static void deleteTree(Path root) {
    for (int attempt = 0; attempt < 3 && Files.exists(root); attempt++) {
      try (Stream<Path> paths = Files.walk(root)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        // walk again: what vanished is gone, what appeared is deleted on the next pass
      }
    }
  }
}
