package io.tidemark.daemon.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The status page's three files (daemon/src/main/resources/status/), read once at start. Each carries an
 * {@code ETag} that is a hash of its content and {@code Cache-Control: no-cache}: the browser keeps its copy
 * but asks each time, gets 304 while the file is unchanged and the new file right after an upgrade (a day of
 * {@code immutable} caching kept the old page). The page gets {@link ResponseHeaders#PAGE_POLICY}. Any thread.
 */
final class StatusAssets {
  private record Asset(Buffer body, String type, String etag) {}

  private final Map<String, Asset> assets;

  StatusAssets() {
    assets = Map.of(
        "index.html", asset("index.html", "text/html; charset=utf-8"),
        "app.js", asset("app.js", "text/javascript; charset=utf-8"),
        "style.css", asset("style.css", "text/css; charset=utf-8"));
  }

  /** {@code GET /status/:file}. */
  void file(RoutingContext ctx) {
    serve(ctx, ctx.pathParam("file"));
  }

  /** {@code GET /}: the page itself. */
  void page(RoutingContext ctx) {
    serve(ctx, "index.html");
  }

  private void serve(RoutingContext ctx, String name) {
    Asset asset = assets.get(name);
    if (asset == null) {
      ApiError.notFound("no file " + name + " in the status page").send(ctx);
      return;
    }
    ctx.response().putHeader("ETag", asset.etag()).putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Security-Policy", ResponseHeaders.PAGE_POLICY);
    String seen = ctx.request().getHeader("If-None-Match");
    if (seen != null && List.of(seen.split("\\s*,\\s*")).contains(asset.etag())) {
      ctx.response().setStatusCode(304).end();
    } else {
      ctx.response().putHeader("Content-Type", asset.type()).end(asset.body());
    }
  }

  private static Asset asset(String name, String type) {
    String path = "status/" + name;
    try (InputStream in = StatusAssets.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " missing from the classpath");
      }
      byte[] bytes = in.readAllBytes();
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
      return new Asset(Buffer.buffer(bytes), type, "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\"");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
