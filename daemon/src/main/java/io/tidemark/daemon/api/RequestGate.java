package io.tidemark.daemon.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request passes before the router sees it:
 * <ol>
 *   <li>its URI must decode: a bad escape ({@code /x/%zz}), a NUL byte or a control character anywhere in the
 *       path or query, or bytes that are not UTF-8, get a 400 and one INFO log line, never a stack trace, and
 *       never reach a route (a NUL in a plan id would otherwise reach PostgreSQL, which refuses it);
 *   <li>with {@code http.allowed-hosts} set, its {@code Host} must be one of them (421 otherwise), so a page
 *       that rebinds its own DNS name to this daemon cannot read even the open endpoints;
 *   <li>a request announcing a body is paused, so nothing of the body is read before a route's auth handler
 *       has accepted the token: the body handler, placed after it, resumes it.
 * </ol>
 * Refusals here close the connection after the answer (the rest of the request is never read). Runs on the
 * connection's event loop; pure CPU.
 */
final class RequestGate implements Handler<HttpServerRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(RequestGate.class);
  private static final int LOGGED_URI_CHARS = 200;

  private final Router router;
  private final ConnectionGuard guard;
  private final Set<String> allowedHosts;

  RequestGate(Router router, ConnectionGuard guard, List<String> allowedHosts) {
    this.router = router;
    this.guard = guard;
    this.allowedHosts = allowedHosts.stream().map(RequestGate::bare).collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void handle(HttpServerRequest request) {
    guard.requestArrived(request);
    Optional<String> malformed = malformed(request.path()).or(() -> malformed(request.query()));
    if (malformed.isPresent()) {
      LOG.info("{} {} refused with 400: {}", request.method(), printable(request.uri()), malformed.get());
      ApiError.badRequest("malformed-uri", "the request URI is malformed: " + malformed.get())
          .sendAndClose(request.response(), () -> request.connection().close());
      return;
    }
    if (!hostAllowed(request.authority())) {
      new ApiError(421, "host-not-allowed", "this daemon does not answer for that Host (tidemark.http.allowed-hosts)",
          List.of()).sendAndClose(request.response(), () -> request.connection().close());
      return;
    }
    if (ConnectionGuard.announcesBody(request)) {
      request.pause();
    }
    router.handle(request);
  }

  /**
   * Why {@code part} (a raw path or query) is not a well-formed URI component, if it is not: each {@code %}
   * must start a two-digit hex escape, the decoded bytes must be UTF-8, and no byte may be NUL or another
   * control character.
   */
  static Optional<String> malformed(String part) {
    if (part == null) {
      return Optional.empty();
    }
    ByteBuffer bytes = ByteBuffer.allocate(part.length() * 4);
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      int b;
      if (c == '%') {
        int hi = i + 2 < part.length() ? Character.digit(part.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(part.charAt(i + 2), 16);
        if (lo < 0) {
          return Optional.of("'%' not followed by two hex digits");
        }
        b = hi * 16 + lo;
        i += 2;
      } else {
        b = c;
      }
      if (b < 0x20 || b == 0x7f) {
        return Optional.of(b == 0 ? "it contains a NUL byte" : "it contains a control character");
      }
      if (b > 0xff) {
        bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      } else {
        bytes.put((byte) b);
      }
    }
    bytes.flip();
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
      return Optional.empty();
    } catch (CharacterCodingException e) {
      return Optional.of("its escapes do not decode as UTF-8");
    }
  }

  private boolean hostAllowed(HostAndPort authority) {
    return allowedHosts.isEmpty() || authority != null && allowedHosts.contains(bare(authority.host()));
  }

  /** {@code [::1]} and {@code ::1} alike, without case. */
  private static String bare(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  /** The URI as it may go into a log line: cut short, and nothing but printable ASCII. */
  private static String printable(String uri) {
    String cut = uri.length() > LOGGED_URI_CHARS ? uri.substring(0, LOGGED_URI_CHARS) + "..." : uri;
    StringBuilder out = new StringBuilder(cut.length());
    cut.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return out.toString();
  }
}
