package io.tidemark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads {@code tidemark.conf} (HOCON, root {@code tidemark { ... }}) over the defaults of {@code reference.conf},
 * resolves {@code ${?ENV}} substitutions, and validates the result into an immutable {@link TidemarkConfig}.
 *
 * <p>A bad file throws one {@link ConfigException} naming every problem found, each by its full path and a
 * stable code; nothing is half-loaded. No problem text ever holds a password or token: values are not quoted
 * back, and any secret the file holds is cut out of every message as a last guard. Problems that should not
 * stop the daemon (a token whose variable is unset) are in {@link TidemarkConfig#warnings()}.
 *
 * <p>Blocking (reads the file, may look up the host name for the default instance id): call it at startup,
 * never on an event loop. Stateless and thread-safe.
 */
public final class ConfigLoader {
  private static final String DEFAULT_ORIGIN = "tidemark.conf";
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{\\??([A-Za-z0-9_.-]+)}");
  private static final Pattern URL_PASSWORD = Pattern.compile("://[^/@:?#]*:([^@/?#]*)@|[?&]password=([^&#]*)");

  private ConfigLoader() {}

  /** Loads a file; {@code ${?X}} is looked up in the process environment. */
  public static TidemarkConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw single(file.toString(), "unreadable-file", "no such config file");
    } catch (IOException e) {
      throw single(file.toString(), "unreadable-file", "cannot read the config file (" + e.getClass().getSimpleName() + ")");
    }
    return build(text, file.toString(), () -> ConfigFactory.parseFile(file.toFile(), options(file.toString())),
        System.getenv());
  }

  /** Parses config text; {@code ${?X}} is looked up in the process environment. */
  public static TidemarkConfig parse(String hocon) {
    return parse(hocon, System.getenv());
  }

  /** Parses config text; {@code ${?X}} is looked up in {@code env} only (tests pass their own). */
  public static TidemarkConfig parse(String hocon, Map<String, String> env) {
    return build(hocon, DEFAULT_ORIGIN, () -> ConfigFactory.parseString(hocon, options(DEFAULT_ORIGIN)), env);
  }

  private static TidemarkConfig build(String text, String origin, Supplier<Config> parser, Map<String, String> env) {
    Problems problems = new Problems();
    Config parsed = parseSyntax(parser, origin);
    Config reference = reference();
    Node root = Node.root(resolve(parsed.withFallback(reference), env), problems, text.lines().toList());
    collectSecrets(root.value(), "", problems);
    reportUnresolved(root);
    KeyCheck.fixedSections(root, reference.root());
    Node tidemark = root.get("tidemark");
    if (!tidemark.isObject("the section tidemark { ... }")) {
      throw new ConfigException(problems.errors());
    }
    FleetReader.Fleet fleet = new FleetReader(tidemark).read();
    SettingsReader settings = new SettingsReader(tidemark, env);
    HttpSettings http = settings.http();
    Defaults defaults = settings.defaults();
    DaemonSettings daemon = settings.daemon();
    PolicySettings policy = settings.policy();
    AccessReader access = new AccessReader(tidemark);
    List<AuthToken> tokens = access.tokens();
    List<HookConfig> hooks = access.hooks();
    if (problems.hasErrors()) {
      throw new ConfigException(problems.errors());
    }
    return new TidemarkConfig(fleet.stateDatabase(), http, tokens, fleet.databases(), fleet.groups(), fleet.servers(),
        defaults, daemon, hooks, problems.warnings(), policy);
  }

  private static ConfigParseOptions options(String origin) {
    return ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(origin).setAllowMissing(false);
  }

  /**
   * A syntax error stops the load at once (HOCON cannot parse past it). Its message is trimmed to the part
   * that explains it, with any quoted text over three characters cut: the parser quotes the token it
   * choked on, and that token could be part of a password.
   */
  private static Config parseSyntax(Supplier<Config> parser, String origin) {
    try {
      return parser.get();
    } catch (com.typesafe.config.ConfigException e) {
      int line = e.origin() == null ? -1 : e.origin().lineNumber();
      String message = e.getMessage().replaceFirst("^.*?: \\d+: ", "").replaceFirst(" \\(if you .*$", "")
          .replaceAll("'[^']{4,}'", "'…'");
      throw single(line > 0 ? origin + ":" + line : origin, "syntax-error", message);
    }
  }

  /** Only our own defaults: other libraries on the classpath may ship a reference.conf of their own. */
  private static Config reference() {
    return ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf")
        .withOnlyPath("tidemark").resolve();
  }

  /**
   * Substitutions are looked up in the file itself, then in {@code env} (never system properties or, in the
   * map overload, the real environment). Unresolved ones are left in place and reported per path below.
   * The environment is merged in as a fallback and its keys dropped afterwards, rather than passed to
   * {@code resolveWith}: that cannot resolve a key overriding itself ({@code user = a, user = ${?X}}).
   */
  private static ConfigObject resolve(Config merged, Map<String, String> env) {
    Config resolved;
    try {
      resolved = merged.withFallback(ConfigValueFactory.fromMap(env))
          .resolve(ConfigResolveOptions.noSystem().setAllowUnresolved(true));
    } catch (com.typesafe.config.ConfigException e) {
      throw single("tidemark", "unresolved-substitution", "a substitution cannot be resolved (does it refer to itself?)");
    }
    ConfigObject root = resolved.root();
    for (String key : root.keySet()) {
      if (!merged.root().containsKey(key)) {
        root = root.withoutKey(key);
      }
    }
    return root;
  }

  /**
   * Registers every value that is or holds a secret (any {@code password} or {@code token} key, passwords
   * inside URLs) before anything is validated, so even a broken entry cannot leak its secret.
   */
  private static void collectSecrets(ConfigValue value, String key, Problems problems) {
    ConfigValueType type = typeOf(value);
    if (type == ConfigValueType.OBJECT) {
      ((ConfigObject) value).forEach((k, v) -> collectSecrets(v, k, problems));
    } else if (type == ConfigValueType.LIST) {
      ((List<?>) value).forEach(v -> collectSecrets((ConfigValue) v, key, problems));
    } else if (type != null && type != ConfigValueType.NULL) {
      String text = String.valueOf(value.unwrapped());
      if (key.equals("password") || key.equals("token")) {
        problems.secret(text);
      }
      Matcher m = URL_PASSWORD.matcher(text);
      while (m.find()) {
        problems.secret(m.group(1) != null ? m.group(1) : m.group(2));
      }
    }
  }

  /** {@code password = ${DB_PASSWORD}} with the variable unset: one problem at that key, naming the variable. */
  private static void reportUnresolved(Node node) {
    if (node.isUnresolved()) {
      Matcher m = REFERENCE.matcher(node.value().render());
      node.error("unresolved-substitution", m.matches()
          ? "${" + m.group(1) + "} has no value: set the environment variable " + m.group(1)
              + ", or write ${?" + m.group(1) + "} to leave the key out when it is unset"
          : "a substitution here has no value");
      return;
    }
    if (node.type() == ConfigValueType.OBJECT) {
      ((ConfigObject) node.value()).keySet().forEach(k -> reportUnresolved(node.get(k)));
    } else if (node.type() == ConfigValueType.LIST) {
      node.elements("a list").forEach(ConfigLoader::reportUnresolved);
    }
  }

  private static ConfigValueType typeOf(ConfigValue value) {
    try {
      return value.valueType();
    } catch (com.typesafe.config.ConfigException.NotResolved e) {
      return null;
    }
  }

  private static ConfigException single(String path, String code, String message) {
    return new ConfigException(List.of(new ConfigProblem(path, code, message)));
  }
}
