package io.tidemark.config;

import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads what Tidemark may change: {@code databases}, {@code groups}, {@code servers} and
 * {@code state-database}, and checks them against each other (a group's members are databases, a server
 * named by a database gets {@code server-defaults} when {@code servers} does not list it). Names of
 * entries that are themselves broken still count as known, so one bad URL does not also turn every group
 * mentioning that database into an error.
 */
final class FleetReader {
  static final Set<String> DATABASE_KEYS = Set.of("url", "user", "password", "server", "pool-size",
      "idle-in-transaction-timeout");
  static final Set<String> SERVER_KEYS =
      Set.of("max-concurrent-backfills", "max-connections", "connect-timeout", "idle-timeout");

  /** Names appear in plans, URLs of the API and metric labels: keep them to one plain word. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,62}");

  /** The fleet as read; meaningful only when the load reported no errors. */
  record Fleet(
      String stateDatabase,
      Map<String, DatabaseConfig> databases,
      Map<String, List<String>> groups,
      Map<String, ServerConfig> servers) {}

  private final Node tidemark;

  FleetReader(Node tidemark) {
    this.tidemark = tidemark;
  }

  Fleet read() {
    Node databaseDefaults = tidemark.get("database-defaults");
    Integer defaultPool = databaseDefaults.get("pool-size").positiveInt();
    Duration defaultIdle = databaseDefaults.get("idle-in-transaction-timeout").positiveDuration();
    ServerConfig serverDefaults = serverDefaults(tidemark.get("server-defaults"));
    Node databasesNode = tidemark.get("databases");
    Map<String, Node> databaseNodes = databasesNode.entries("an object of databases by name");
    if (databaseNodes.isEmpty() && databasesNode.type() == ConfigValueType.OBJECT) {
      databasesNode.error("missing-required",
          "at least one database is required: databases { appdb { url = \"postgresql://user@host:5432/appdb\" } }");
    }
    Map<String, DatabaseConfig> databases = new LinkedHashMap<>();
    databaseNodes.forEach((name, node) -> {
      DatabaseConfig db = database(name, node, defaultPool, defaultIdle);
      if (db != null) {
        databases.put(name, db);
      }
    });
    warnSameTarget(databases, databaseNodes);
    Map<String, List<String>> groups = groups(databaseNodes.keySet());
    String stateDatabase = stateDatabase(databaseNodes.keySet(), groups.keySet());
    Map<String, ServerConfig> servers = servers(databases, serverDefaults);
    return new Fleet(stateDatabase, databases, groups, servers);
  }

  /** Checks a user-chosen name; {@code what} is e.g. "database" (for the message). */
  static boolean validName(Node at, String name, String what) {
    if (NAME.matcher(name).matches()) {
      return true;
    }
    at.error("bad-name", "a " + what + " name must be letters, digits, '_' or '-' (at most 63), not starting with '-'");
    return false;
  }

  /** Quotes a name the user wrote, if it looks like one; anything else is left out of the message. */
  static String quoted(String name) {
    return NAME.matcher(name).matches() ? "'" + name + "'" : "this name";
  }

  private DatabaseConfig database(String name, Node node, Integer defaultPool, Duration defaultIdle) {
    validName(node, name, "database");
    if (!node.isObject("a database: { url = \"postgresql://user@host:5432/database\" }")) {
      return null;
    }
    KeyCheck.entry(node, DATABASE_KEYS);
    Node urlNode = node.get("url");
    String rawUrl = urlNode.require("url = \"postgresql://user@host:5432/database\"") ? urlNode.string() : null;
    PostgresUrl url = rawUrl == null ? null : PostgresUrl.parse(urlNode, rawUrl, node.problems());
    String user = node.get("user").optionalString();
    String password = node.get("password").optionalString();
    String server = node.get("server").optionalString();
    Node poolNode = node.get("pool-size");
    Integer pool = poolNode.isSet() ? poolNode.positiveInt() : defaultPool;
    Node idleNode = node.get("idle-in-transaction-timeout");
    Duration idle = idleNode.isSet() ? idleNode.positiveDuration() : defaultIdle;
    if (url == null) {
      return null;
    }
    Secret secret = password(urlNode, url, password);
    String effectiveUser = user.isEmpty() ? url.user() : user;
    if (effectiveUser.isEmpty()) {
      node.get("user").error("missing-required",
          "no user: put it in the url (postgresql://USER@host/database) or set user = ...");
    }
    String effectiveServer = server.isEmpty() ? hostPort(url) : server;
    return new DatabaseConfig(name, url.url(), url.host(), url.port(), url.database(), effectiveUser, secret,
        effectiveServer, pool == null ? 0 : pool, url.sslMode(), idle == null ? Duration.ZERO : idle);
  }

  /**
   * Two names for one database are allowed (e.g. during a rename of the entry) but suspicious: plans would
   * treat them as two databases, each with its own barrier, on one set of tables.
   */
  private static void warnSameTarget(Map<String, DatabaseConfig> databases, Map<String, Node> nodes) {
    Map<String, String> nameByTarget = new HashMap<>();
    for (DatabaseConfig db : databases.values()) {
      String other = nameByTarget.putIfAbsent(db.host() + ":" + db.port() + "/" + db.database(), db.name());
      if (other != null) {
        nodes.get(db.name()).get("url").warn("same-database-twice", "points at the same database as " + other
            + "; plans would treat the two names as two databases");
      }
    }
  }

  /** The key {@code password} or the URL's, never both (which one would the operator expect to win?). */
  private static Secret password(Node urlNode, PostgresUrl url, String password) {
    if (url.password().isEmpty()) {
      return Secret.of(password);
    }
    if (!password.isEmpty()) {
      urlNode.error("conflicting-password", "the url holds a password and so does password = ...; keep one"
          + " (preferably password = ${?ENV_VAR})");
    } else {
      urlNode.warn("password-in-url", "the password in the url was taken out of it and is used as the password;"
          + " better: password = ${?ENV_VAR}, so the secret stays out of the file");
    }
    return url.password();
  }

  /** Default server name: where the database lives, {@code db1:5432} or {@code [::1]:5432}. */
  private static String hostPort(PostgresUrl url) {
    return (url.host().contains(":") ? "[" + url.host() + "]" : url.host()) + ":" + url.port();
  }

  private Map<String, List<String>> groups(Set<String> databaseNames) {
    Map<String, Node> groupNodes = tidemark.get("groups").entries("an object of groups by name");
    Map<String, List<String>> groups = new LinkedHashMap<>();
    groupNodes.forEach((name, node) -> {
      validName(node, name, "group");
      if (databaseNames.contains(name)) {
        node.error("duplicate-name", "a database is already named " + quoted(name) + "; a group needs its own name");
      }
      groups.put(name, members(node, databaseNames, groupNodes.keySet()));
    });
    return groups;
  }

  private static List<String> members(Node group, Set<String> databaseNames, Set<String> groupNames) {
    List<Node> elements = group.elements("a list of database names: [authdb, apidb]");
    if (elements.isEmpty() && group.type() == ConfigValueType.LIST) {
      group.error("empty-group", "a group needs at least one database");
    }
    Set<String> seen = new HashSet<>();
    for (Node element : elements) {
      String member = element.string();
      if (member == null) {
        continue;
      }
      if (!seen.add(member)) {
        element.error("duplicate-member", quoted(member) + " is already in this group");
      } else if (groupNames.contains(member) && !databaseNames.contains(member)) {
        element.error("nested-group", quoted(member) + " is a group; groups hold databases, not other groups");
      } else if (!databaseNames.contains(member)) {
        element.error("unknown-database", "no database named " + quoted(member));
      }
    }
    return elements.stream()
        .filter(e -> e.type() == ConfigValueType.STRING)
        .map(e -> String.valueOf(e.value().unwrapped()))
        .filter(databaseNames::contains)
        .distinct()
        .toList();
  }

  private String stateDatabase(Set<String> databaseNames, Set<String> groupNames) {
    Node node = tidemark.get("state-database");
    String name = node.optionalString();
    if (name.isEmpty()) {
      return databaseNames.stream().findFirst().orElse("");
    }
    if (groupNames.contains(name)) {
      node.error("unknown-database", quoted(name) + " is a group; the state database must be one database");
    } else if (!databaseNames.contains(name)) {
      node.error("unknown-database", "no database named " + quoted(name));
    }
    return name;
  }

  private static ServerConfig serverDefaults(Node node) {
    Integer backfills = node.get("max-concurrent-backfills").positiveInt();
    Integer connections = node.get("max-connections").positiveInt();
    Duration connect = node.get("connect-timeout").positiveDuration();
    Duration idle = node.get("idle-timeout").positiveDuration();
    return new ServerConfig("", backfills == null ? 1 : backfills,
        connections == null ? ServerConfig.DEFAULT_MAX_CONNECTIONS : connections,
        connect == null ? ServerConfig.DEFAULT_CONNECT_TIMEOUT : connect,
        idle == null ? ServerConfig.DEFAULT_IDLE_TIMEOUT : idle);
  }

  private Map<String, ServerConfig> servers(Map<String, DatabaseConfig> databases, ServerConfig defaults) {
    Map<String, ServerConfig> servers = new LinkedHashMap<>();
    Map<String, Node> serverNodes = tidemark.get("servers").entries("an object of servers by name");
    serverNodes.forEach((name, node) -> {
      if (node.isObject("a server: { max-connections = 10, max-concurrent-backfills = 2 }")) {
        KeyCheck.entry(node, SERVER_KEYS);
        servers.put(name, server(name, node, defaults));
      }
    });
    Set<String> named = new HashSet<>();
    for (DatabaseConfig db : databases.values()) {
      named.add(db.server());
      servers.computeIfAbsent(db.server(), s -> new ServerConfig(s, defaults.maxConcurrentBackfills(),
          defaults.maxConnections(), defaults.connectTimeout(), defaults.idleTimeout()));
    }
    serverNodes.forEach((name, node) -> {
      if (!named.contains(name)) {
        node.warn("unused-server", "no database names this server (server = ...), so its budget applies to nothing");
      }
    });
    return servers;
  }

  private static ServerConfig server(String name, Node node, ServerConfig defaults) {
    Node backfillNode = node.get("max-concurrent-backfills");
    Node connectionNode = node.get("max-connections");
    Integer backfills = backfillNode.isSet() ? backfillNode.positiveInt() : Integer.valueOf(defaults.maxConcurrentBackfills());
    Integer connections = connectionNode.isSet() ? connectionNode.positiveInt() : Integer.valueOf(defaults.maxConnections());
    Duration connect = node.get("connect-timeout").isSet() ? node.get("connect-timeout").positiveDuration()
        : defaults.connectTimeout();
    Duration idle = node.get("idle-timeout").isSet() ? node.get("idle-timeout").positiveDuration()
        : defaults.idleTimeout();
    if (backfills != null && connections != null && connections > 0 && connections < 2 * backfills + 1) {
      // A backfill holds two connections (batches and monitoring); with fewer left, DDL and preflight on the
      // server's other databases would wait for the backfills to end.
      connectionNode.error("budget-too-small", "max-connections must be at least 2 * max-concurrent-backfills + 1 ("
          + (2 * backfills + 1) + "): each backfill holds two connections and other work needs one");
    }
    return new ServerConfig(name, backfills == null ? 0 : backfills, connections == null ? 0 : connections,
        connect == null ? defaults.connectTimeout() : connect, idle == null ? defaults.idleTimeout() : idle);
  }
}
