package io.tidemark.daemon.api;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;

/**
 * The headers every answer carries, so that a browser never caches an API answer, never sniffs a JSON body
 * into HTML, and never shows the daemon's pages inside another site's frame. The status page's own files get
 * {@link #PAGE_POLICY} and revalidation instead ({@link StatusAssets}). Pure; any thread.
 */
final class ResponseHeaders {
  /** API answers hold no page: nothing may load from them, nothing may frame them. */
  static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  /**
   * The status page loads only its own script and stylesheet and calls only this daemon's API. No inline
   * script or style runs, so text an attacker got into a plan cannot become script even if it slipped past
   * the page's textContent-only rendering.
   */
  static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
      + " img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private ResponseHeaders() {}

  /** Sets the shared headers; {@code Cache-Control} and the policy only where the handler set none. */
  static void apply(HttpServerResponse response) {
    MultiMap h = response.headers();
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    if (!h.contains("Cache-Control")) {
      h.set("Cache-Control", "no-store");
    }
    if (!h.contains("Content-Security-Policy")) {
      h.set("Content-Security-Policy", API_POLICY);
    }
  }
}
