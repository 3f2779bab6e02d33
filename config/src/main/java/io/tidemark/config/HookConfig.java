package io.tidemark.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code tidemark.hooks = [ {name, events, command | url, timeout} ]}: an executable or a webhook called on plan
 * events ({@link #EVENTS}). Exactly one of {@code command} (argv, run without a shell) and {@code url} (http or
 * https) is present. {@link #toString()} shows only the scheme and host of the URL: webhook URLs often carry
 * their credential in the path ({@code https://hooks.example.com/services/T0/B0/XYZ}).
 */
public record HookConfig(
    String name,
    List<String> events,
    Optional<List<String>> command,
    Optional<String> url,
    Duration timeout) {

  /** Every event a hook may subscribe to, in the order a plan meets them. */
  public static final List<String> EVENTS =
      List.of("started", "phase-done", "awaiting-approval", "failed", "completed", "rolled-back");

  @Override
  public String toString() {
    return "HookConfig[name=" + name + ", events=" + events + ", command=" + command.map(List::toString).orElse("-")
        + ", url=" + url.map(HookConfig::origin).orElse("-") + ", timeout=" + timeout + "]";
  }

  /** {@code https://hooks.example.com/services/T0/B0/XYZ} → {@code https://hooks.example.com/…}. */
  static String origin(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getScheme() != null && uri.getHost() != null) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/…";
      }
    } catch (URISyntaxException e) {
      // falls through: show nothing of a URL that does not even parse
    }
    return "****";
  }
}
