package io.tidemark.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the fixed sections: {@code http} (with its Host allow-list), {@code defaults.ddl|backfill|throttle},
 * {@code daemon} and {@code policy}, with
 * the limits that make each value meaningful (a lock timeout of 0 would wait forever; a heartbeat not
 * shorter than the lease would let another daemon take over a healthy one).
 */
final class SettingsReader {
  private static final Set<String> LOG_FORMATS = Set.of("text", "json");
  /** A DNS name or IPv4 address, or an IPv6 address in brackets as it appears in a Host header. */
  private static final Pattern HOST_NAME =
      Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?|\\[[0-9a-f:.]+]");
  private static final Set<String> APPROVALS = Set.of("required", "not-required");

  private final Node tidemark;
  private final Map<String, String> env;

  SettingsReader(Node tidemark, Map<String, String> env) {
    this.tidemark = tidemark;
    this.env = env;
  }

  HttpSettings http() {
    Node http = tidemark.get("http");
    Node host = http.get("host");
    String hostName = host.string();
    if (hostName != null && hostName.isBlank()) {
      host.error("missing-required", "the interface to listen on, e.g. \"127.0.0.1\" or \"0.0.0.0\"");
    }
    Node port = http.get("port");
    Integer portNumber = port.integer();
    if (portNumber != null && (portNumber < 0 || portNumber > 65535)) {
      port.error("bad-port", "must be from 1 to 65535 (or 0 for any free port)");
    }
    Node size = http.get("max-body-size");
    Long maxBody = size.bytes();
    if (maxBody != null && maxBody < 1) {
      size.error("not-positive", "must be larger than 0");
    }
    Duration idle = http.get("idle-timeout").positiveDuration();
    Duration read = http.get("request-read-timeout").positiveDuration();
    Integer connections = http.get("max-connections").positiveInt();
    Duration intake = http.get("plan-intake-timeout").positiveDuration();
    List<String> hosts = allowedHosts(http.get("allowed-hosts"));
    Boolean metricsToken = http.get("metrics-require-token").bool();
    return new HttpSettings(hostName, orZero(portNumber), maxBody == null ? 0 : maxBody, idle, read,
        orZero(connections), intake, hosts, metricsToken != null && metricsToken);
  }

  /**
   * Host names as a browser sends them in {@code Host}, without a port: {@code tidemark.example.com},
   * {@code localhost}, {@code 127.0.0.1}, {@code [::1]}. Kept in lower case (host names are compared
   * without case).
   */
  private static List<String> allowedHosts(Node list) {
    List<String> hosts = new ArrayList<>();
    for (Node entry : list.elements("a list of host names, e.g. [\"tidemark.example.com\", localhost]")) {
      String name = entry.string();
      if (name == null) {
        continue;
      }
      String host = name.strip().toLowerCase(Locale.ROOT);
      if (!HOST_NAME.matcher(host).matches()) {
        entry.error("bad-host", "must be a host name or IP address without scheme, port or path, e.g."
            + " tidemark.example.com, 127.0.0.1 or [::1]");
      } else {
        hosts.add(host);
      }
    }
    return hosts;
  }

  Defaults defaults() {
    Node defaults = tidemark.get("defaults");
    return new Defaults(ddl(defaults.get("ddl")), backfill(defaults.get("backfill")), throttle(defaults.get("throttle")));
  }

  DaemonSettings daemon() {
    Node daemon = tidemark.get("daemon");
    String instanceId = daemon.get("instance-id").optionalString().strip();
    Duration lease = daemon.get("lease-duration").positiveDuration();
    Node heartbeatNode = daemon.get("heartbeat-interval");
    Duration heartbeat = heartbeatNode.positiveDuration();
    if (lease != null && heartbeat != null && heartbeat.compareTo(lease) >= 0) {
      heartbeatNode.error("heartbeat-not-below-lease",
          "must be shorter than lease-duration (a third of it is usual), or healthy leases expire between beats");
    }
    Duration poll = daemon.get("poll-interval").positiveDuration();
    Duration shutdown = daemon.get("shutdown-timeout").nonNegativeDuration();
    Node formatNode = daemon.get("log-format");
    String format = formatNode.string();
    if (format != null && !LOG_FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
      formatNode.error("bad-log-format", "must be text or json");
    }
    return new DaemonSettings(instanceId.isEmpty() ? defaultInstanceId() : instanceId, lease, heartbeat, poll,
        shutdown, format == null ? null : format.toLowerCase(Locale.ROOT));
  }

  PolicySettings policy() {
    Node approval = tidemark.get("policy").get("raw-sql-approval");
    String value = approval.string();
    if (value != null && !APPROVALS.contains(value)) {
      approval.error("bad-approval-policy", "must be required or not-required");
    }
    return new PolicySettings(!"not-required".equals(value));
  }

  /** Whether {@code text} is an absolute http or https URL with a host. Never echoed: it may hold a token. */
  static boolean isHttpUrl(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static DdlSettings ddl(Node ddl) {
    Duration lockTimeout = ddl.get("lock-timeout").positiveDuration();
    Duration statementTimeout = ddl.get("statement-timeout").nonNegativeDuration();
    Integer maxAttempts = ddl.get("max-attempts").positiveInt();
    Duration indexBuildLockTimeout = ddl.get("index-build-lock-timeout").nonNegativeDuration();
    Node backoff = ddl.get("backoff");
    List<Node> bounds = backoff.elements("[min, max], e.g. [1s, 60s]");
    if (bounds.size() != 2) {
      if (backoff.type() == com.typesafe.config.ConfigValueType.LIST) {
        backoff.error("bad-backoff", "must be [min, max], e.g. [1s, 60s]");
      }
      return new DdlSettings(lockTimeout, statementTimeout, orZero(maxAttempts), null, null, indexBuildLockTimeout);
    }
    Duration min = bounds.get(0).positiveDuration();
    Duration max = bounds.get(1).positiveDuration();
    if (min != null && max != null && min.compareTo(max) > 0) {
      backoff.error("min-above-max", "the first wait (min) must not be longer than the last (max)");
    }
    return new DdlSettings(lockTimeout, statementTimeout, orZero(maxAttempts), min, max, indexBuildLockTimeout);
  }

  private static BackfillSettings backfill(Node backfill) {
    Duration target = backfill.get("target-batch-duration").positiveDuration();
    Node minNode = backfill.get("min-batch-rows");
    Integer min = minNode.positiveInt();
    Integer max = backfill.get("max-batch-rows").positiveInt();
    if (min != null && max != null && min > 0 && min > max) {
      minNode.error("min-above-max", "min-batch-rows must not be larger than max-batch-rows");
    }
    Long rate = backfill.get("max-rows-per-second").nonNegativeLong();
    Boolean synchronousCommit = backfill.get("synchronous-commit").bool();
    return new BackfillSettings(target, orZero(min), orZero(max), rate == null ? 0 : rate,
        synchronousCommit == null || synchronousCommit);
  }

  private static ThrottleSettings throttle(Node throttle) {
    Duration lag = throttle.get("max-replication-lag").nonNegativeDuration();
    Integer waiters = throttle.get("max-lock-waiters").nonNegativeInt();
    Integer sessions = throttle.get("max-active-sessions").nonNegativeInt();
    Node checkNode = throttle.get("http-check");
    String check = checkNode.optionalString().strip();
    if (!check.isEmpty() && !isHttpUrl(check)) {
      checkNode.error("bad-http-url", "must be an http:// or https:// URL with a host, or \"\" for no check");
    }
    String flagFile = throttle.get("flag-file").optionalString().strip();
    Duration interval = throttle.get("check-interval").positiveDuration();
    return new ThrottleSettings(lag, orZero(waiters), orZero(sessions), check, flagFile, interval);
  }

  /** {@code <hostname>-<pid>}: unique per process, and says where to look when a lease looks stuck. */
  private String defaultInstanceId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = env.getOrDefault("HOSTNAME", "localhost");
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  private static int orZero(Integer n) {
    return n == null ? 0 : n;
  }
}
