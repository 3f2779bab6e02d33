package io.tidemark.daemon.api;

import io.netty.channel.socket.DuplexChannel;
import io.tidemark.config.HttpSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.VertxConnection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sheds connections the way a well-configured reverse proxy does:
 * <ul>
 *   <li>at most {@code http.max-connections} open; a connection beyond is closed as soon as it is accepted;
 *   <li>each request's headers and body must have arrived within {@code http.request-read-timeout} of the
 *       connection opening or of the previous answer on it. A client sending {@code GET / HTTP/1.1\r\nH} one
 *       byte a second keeps the connection busy, so Vert.x's idle timeout never fires; this deadline does.
 *       Once the headers are in, a request that announced no body stops the clock; one with a body keeps it
 *       running until the body has been read (a body never read because the request was refused is read
 *       and thrown away after the answer, then the connection is closed, see {@link #answered});
 *   <li>an idle keep-alive connection is closed by the same deadline.
 * </ul>
 * A cut-off connection whose headers had arrived gets a 408 first. Connections cut off or refused are
 * counted and logged once a minute, not one line each: a flood of them must not flood the log.
 *
 * <p>Every method runs on the event loop of the connection it is given (Vert.x calls connection and request
 * handlers there), so each {@link Watch} is confined to one thread; the counters are shared.
 */
final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final long REPORT_EVERY_MS = 60_000;

  private final Vertx vertx;
  private final int maxConnections;
  private final long readTimeoutMs;
  private final long lingerMaxBytes;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong cutOff = new AtomicLong();
  private final Map<HttpConnection, Watch> watches = new ConcurrentHashMap<>();
  private final long reporter;

  ConnectionGuard(Vertx vertx, HttpSettings http) {
    this.vertx = vertx;
    this.maxConnections = http.maxConnections();
    this.readTimeoutMs = http.requestReadTimeout().toMillis();
    this.lingerMaxBytes = 8 * http.maxBodyBytes();
    this.reporter = vertx.setPeriodic(REPORT_EVERY_MS, id -> report());
  }

  /** The connection handler: counts it, refuses it over the limit, starts its first read deadline. */
  void connected(HttpConnection conn) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      if (refused.getAndIncrement() == 0) {
        LOG.warn("HTTP connection limit reached (tidemark.http.max-connections = {}): closing new connections",
            maxConnections);
      }
      conn.close();
      return;
    }
    Watch watch = new Watch(conn);
    watches.put(conn, watch);
    conn.closeHandler(v -> closed(conn, watch));
    watch.arm();
  }

  /** Called when a request's headers have arrived, before it is routed. */
  void requestArrived(HttpServerRequest request) {
    Watch watch = watches.get(request.connection());
    if (watch == null) {
      return;
    }
    watch.current = request;
    if (!announcesBody(request)) {
      watch.disarm();
    }
  }

  /**
   * Called when the answer to {@code request} has been sent. A body the request announced but nobody read
   * (401, 403, 413, or a route that takes none) is still on its way: it is discarded and the connection
   * closed, see {@link #linger}. Otherwise the deadline for the next request starts.
   */
  void answered(HttpServerRequest request) {
    if (announcesBody(request) && !request.isEnded()) {
      linger(request);
      return;
    }
    Watch watch = watches.get(request.connection());
    if (watch != null) {
      watch.current = null;
      watch.arm();
    }
  }

  /**
   * Closes a connection whose answer went out before the body it did not want, the way nginx's lingering
   * close does. Closing at once is not enough: the kernel answers the body bytes still arriving on a closed
   * socket with a reset, and a client still writing loses the answer it was already sent. For example a
   * plan of 2 MiB POSTed with {@code max-body-size = 1 MiB}: the 413 goes out as soon as the headers are in,
   * the client is still writing its body, the reset arrives, and Java's HttpClient reports "header parser
   * received no bytes" instead of the 413. So the write side is shut first (the client reads the whole
   * answer, then end of stream), the rest of the body is read and thrown away, and the connection is closed
   * when the body ends, after {@code 8 × max-body-size} discarded bytes, or when the read deadline already
   * running for this request expires, whichever comes first. Nothing discarded is kept: heap stays flat.
   *
   * <p>The half-close goes through Vert.x's own write queue ({@link VertxConnection#flush}), so the answer is
   * flushed before the FIN; an HTTP/2 connection (never offered here) would simply linger without it.
   */
  private void linger(HttpServerRequest request) {
    HttpConnection conn = request.connection();
    long[] discarded = {0};
    request.handler(chunk -> {
      discarded[0] += chunk.length();
      if (discarded[0] > lingerMaxBytes) {
        conn.close();
      }
    });
    request.exceptionHandler(e -> conn.close());
    request.endHandler(v -> conn.close());
    request.resume();
    if (conn instanceof VertxConnection vc && vc.channel() instanceof DuplexChannel channel) {
      vc.flush(done -> channel.shutdownOutput());
    }
  }

  /** Open connections right now (accepted and not refused). */
  int open() {
    return open.get();
  }

  void close() {
    vertx.cancelTimer(reporter);
    report();
  }

  /** Whether the request says a body follows: a {@code Content-Length} above 0, or any transfer coding. */
  static boolean announcesBody(HttpServerRequest request) {
    if (request.getHeader("Transfer-Encoding") != null) {
      return true;
    }
    String length = request.getHeader("Content-Length");
    return length != null && !length.strip().equals("0");
  }

  private void closed(HttpConnection conn, Watch watch) {
    open.decrementAndGet();
    watches.remove(conn);
    watch.disarm();
  }

  private void report() {
    long slow = cutOff.getAndSet(0);
    long over = refused.getAndSet(0);
    if (slow > 0) {
      LOG.warn("HTTP: closed {} connections that did not deliver a whole request within"
          + " tidemark.http.request-read-timeout ({} ms)", slow, readTimeoutMs);
    }
    if (over > 0) {
      LOG.warn("HTTP: closed {} connections over tidemark.http.max-connections ({})", over, maxConnections);
    }
  }

  /** One connection's read deadline; confined to the connection's event loop. */
  private final class Watch {
    private final HttpConnection conn;
    private long timer = -1;
    private HttpServerRequest current;

    Watch(HttpConnection conn) {
      this.conn = conn;
    }

    void arm() {
      disarm();
      timer = vertx.setTimer(readTimeoutMs, id -> expired());
    }

    void disarm() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    private void expired() {
      timer = -1;
      HttpServerRequest request = current;
      if (request != null && request.isEnded()) {
        return; // the whole request is in; its answer is being worked on
      }
      cutOff.incrementAndGet();
      LOG.debug("HTTP: closing a connection from {} that did not deliver a whole request in {} ms",
          conn.remoteAddress(), readTimeoutMs);
      if (request == null) {
        conn.close();
      } else {
        new ApiError(408, "request-timeout", "the request did not arrive within tidemark.http.request-read-timeout",
            List.of()).sendAndClose(request.response(), conn::close);
      }
    }
  }
}
