package io.tidemark.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code tidemark.http}: where the API listens and how it sheds hostile clients (see docs/security.md).
 *
 * @param maxBodyBytes largest request body read; only read once the request's token was accepted
 * @param idleTimeout a connection with no traffic either way for this long is closed
 * @param requestReadTimeout each request's headers and body must have arrived within this long, counted from
 *     the connection's opening or the end of the previous answer on it (so trickled headers are cut off, and so
 *     is an idle keep-alive connection)
 * @param maxConnections open connections at most; beyond it new connections are closed at once
 * @param planIntakeTimeout how long parsing and compiling one submitted plan (on a worker thread) may take
 *     before the submission is answered 503
 * @param allowedHosts host names the {@code Host} header may carry (lower case, no port); empty: any
 * @param metricsRequireToken whether {@code /metrics} needs a viewer token
 */
public record HttpSettings(String host, int port, long maxBodyBytes, Duration idleTimeout, Duration requestReadTimeout,
    int maxConnections, Duration planIntakeTimeout, List<String> allowedHosts, boolean metricsRequireToken) {

  public HttpSettings {
    allowedHosts = List.copyOf(allowedHosts);
  }

  /**
   * Listening on {@code host:port} with every other setting as reference.conf ships it (for tests and
   * embedding; {@code ConfigLoaderTest} holds the two equal).
   */
  public HttpSettings(String host, int port, long maxBodyBytes) {
    this(host, port, maxBodyBytes, Duration.ofSeconds(60), Duration.ofSeconds(30), 256, Duration.ofSeconds(10),
        List.of(), false);
  }

  /** The same settings with other timeouts and connection limit (tests shorten them). */
  public HttpSettings withLimits(Duration idle, Duration requestRead, int connections, Duration planIntake) {
    return new HttpSettings(host, port, maxBodyBytes, idle, requestRead, connections, planIntake, allowedHosts,
        metricsRequireToken);
  }

  /** The same settings with another Host allow-list and /metrics policy. */
  public HttpSettings withAccess(List<String> hosts, boolean metricsToken) {
    return new HttpSettings(host, port, maxBodyBytes, idleTimeout, requestReadTimeout, maxConnections,
        planIntakeTimeout, hosts, metricsToken);
  }
}
