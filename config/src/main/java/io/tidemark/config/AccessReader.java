package io.tidemark.config;

import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads who may call Tidemark and whom Tidemark calls: {@code auth.tokens} and {@code hooks}. A token whose
 * value is unset ({@code token = ${?X}} with X not in the environment) is dropped with a warning, so one
 * missing variable locks out one caller instead of stopping the daemon; every other problem is an error.
 */
final class AccessReader {
  static final Set<String> TOKEN_KEYS = Set.of("name", "role", "token");
  static final Set<String> HOOK_KEYS = Set.of("name", "events", "command", "url", "timeout");

  /** Shorter tokens can be guessed; they still work, with a warning at start. */
  private static final int MIN_TOKEN_LENGTH = 16;

  private final Node tidemark;

  AccessReader(Node tidemark) {
    this.tidemark = tidemark;
  }

  List<AuthToken> tokens() {
    List<AuthToken> tokens = new ArrayList<>();
    Map<String, String> pathByName = new HashMap<>();
    List<Secret> values = new ArrayList<>();
    List<String> valuePaths = new ArrayList<>();
    for (Node entry : tidemark.get("auth").get("tokens").elements("a list of { name, role, token }")) {
      if (!entry.isObject("a token: { name = ci, role = submitter, token = ${?TIDEMARK_CI_TOKEN} }")) {
        continue;
      }
      KeyCheck.entry(entry, TOKEN_KEYS);
      Node nameNode = entry.get("name");
      String name = nameNode.string();
      if (name != null && FleetReader.validName(nameNode, name, "token")) {
        String first = pathByName.putIfAbsent(name, nameNode.path());
        if (first != null) {
          nameNode.error("duplicate-token-name", "another token is already named " + FleetReader.quoted(name)
              + " (" + first + "); the name is the actor in the event log, so it must be unique");
        }
      }
      Role role = role(entry.get("role"));
      Node tokenNode = entry.get("token");
      String token = tokenNode.optionalString();
      if (token.isEmpty()) {
        tokenNode.warn("token-unset", "no token value (is its environment variable set?); this entry is ignored");
        continue;
      }
      if (token.length() < MIN_TOKEN_LENGTH) {
        tokenNode.warn("weak-token", "shorter than " + MIN_TOKEN_LENGTH + " characters; use a long random token");
      }
      Secret secret = Secret.of(token);
      int same = values.indexOf(secret);
      if (same >= 0) {
        tokenNode.error("duplicate-token-value", "the same token as " + valuePaths.get(same)
            + "; each caller needs its own token so the actor is known");
      }
      values.add(secret);
      valuePaths.add(tokenNode.path());
      tokens.add(new AuthToken(name, role, secret));
    }
    return tokens;
  }

  List<HookConfig> hooks() {
    Duration defaultTimeout = tidemark.get("hook-defaults").get("timeout").positiveDuration();
    List<HookConfig> hooks = new ArrayList<>();
    Map<String, String> pathByName = new HashMap<>();
    for (Node entry : tidemark.get("hooks").elements("a list of { name, events, command | url }")) {
      if (!entry.isObject("a hook: { name = pager, events = [failed], command = [\"/usr/local/bin/page\"] }")) {
        continue;
      }
      KeyCheck.entry(entry, HOOK_KEYS);
      Node nameNode = entry.get("name");
      String name = nameNode.string();
      if (name != null && FleetReader.validName(nameNode, name, "hook")) {
        String first = pathByName.putIfAbsent(name, nameNode.path());
        if (first != null) {
          nameNode.error("duplicate-hook-name", "another hook is already named " + FleetReader.quoted(name)
              + " (" + first + ")");
        }
      }
      List<String> events = events(entry.get("events"));
      Optional<List<String>> command = command(entry.get("command"));
      Optional<String> url = url(entry.get("url"));
      if (command.isPresent() && url.isPresent()) {
        entry.error("conflicting-hook-target", "has both command and url; a hook runs one of them");
      } else if (command.isEmpty() && url.isEmpty() && !entry.get("command").isSet()) {
        entry.error("missing-hook-target", "needs command = [\"/path/to/program\", ...] or url = \"https://...\"");
      }
      Node timeoutNode = entry.get("timeout");
      Duration timeout = timeoutNode.isSet() ? timeoutNode.positiveDuration() : defaultTimeout;
      hooks.add(new HookConfig(name, events, command, url, timeout));
    }
    return hooks;
  }

  private static Role role(Node node) {
    String role = node.string();
    if (role == null) {
      return null;
    }
    try {
      return Role.valueOf(role.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      node.error("unknown-role", "the role must be viewer, submitter or operator");
      return null;
    }
  }

  private static List<String> events(Node node) {
    if (!node.require("events = [failed, completed, ...]")) {
      return List.of();
    }
    List<Node> elements = node.elements("a list of events, e.g. [failed, completed]");
    if (elements.isEmpty() && node.type() == ConfigValueType.LIST) {
      node.error("missing-required", "at least one event: " + String.join(", ", HookConfig.EVENTS));
    }
    List<String> events = new ArrayList<>();
    for (Node element : elements) {
      String event = element.string();
      if (event != null && !HookConfig.EVENTS.contains(event)) {
        element.error("unknown-hook-event", "the event must be one of " + String.join(", ", HookConfig.EVENTS));
      } else if (event != null && !events.contains(event)) {
        events.add(event);
      }
    }
    return events;
  }

  /** argv, run without a shell; present but empty (or with an empty program) is an error, not "no command". */
  private static Optional<List<String>> command(Node node) {
    if (!node.isSet()) {
      return Optional.empty();
    }
    List<Node> elements = node.elements("argv as a list: [\"/usr/local/bin/notify\", \"--channel\", \"db\"]");
    if (node.type() != ConfigValueType.LIST) {
      return Optional.empty();
    }
    List<String> argv = new ArrayList<>();
    elements.forEach(e -> argv.add(e.string()));
    if (argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
      node.error("bad-command", "must start with the program to run: [\"/usr/local/bin/notify\", ...]");
    }
    return Optional.of(argv);
  }

  private static Optional<String> url(Node node) {
    String url = node.optionalString().strip();
    if (url.isEmpty()) {
      return Optional.empty();
    }
    if (!SettingsReader.isHttpUrl(url)) {
      node.error("bad-http-url", "must be an http:// or https:// URL with a host");
    }
    return Optional.of(url);
  }
}
