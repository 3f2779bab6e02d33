package io.tidemark.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A database URL taken apart at load time, so a bad URL is a config error and not a connection error hours
 * later. Accepted: {@code postgresql://[user[:password]@]host[:port]/database[?sslmode=..&user=..&password=..]},
 * the same with {@code postgres://} or {@code jdbc:postgresql://}. Port defaults to 5432, sslmode to
 * {@code prefer} (libpq's default). A password (in the user info or the query) is moved out: {@link #url()}
 * is the URL without it, e.g. {@code postgresql://app:hunter2@db1/authdb} → {@code postgresql://app@db1/authdb}.
 *
 * @param user     from the user info or {@code ?user=}; empty when the URL names none
 * @param password from the user info or {@code ?password=}; empty when the URL has none
 */
record PostgresUrl(String url, String user, Secret password, String host, int port, String database, String sslMode) {
  static final int DEFAULT_PORT = 5432;
  static final String DEFAULT_SSL_MODE = "prefer";
  static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  private static final List<String> PREFIXES = List.of("postgresql://", "postgres://", "jdbc:postgresql://");

  /**
   * Parses the URL at {@code node}, reporting every problem there. Any password found is registered as a
   * secret first, so no message can show it. Never quotes the URL in a message. Returns null when invalid.
   */
  static PostgresUrl parse(Node node, String url, Problems problems) {
    String prefix = PREFIXES.stream().filter(p -> url.toLowerCase(Locale.ROOT).startsWith(p)).findFirst().orElse(null);
    if (prefix == null) {
      node.error("bad-url-scheme", "the url must start with postgresql://, postgres:// or jdbc:postgresql://");
      return null;
    }
    return new Parser(node, problems, url.substring(0, prefix.length()), url.substring(prefix.length())).parse();
  }

  /** The mutable state of one parse; every step reports into the node and keeps going. */
  private static final class Parser {
    private final Node node;
    private final Problems problems;
    private final String prefix;
    private final String rest;
    private boolean ok = true;
    private String user = "";
    private String password = "";
    private String sslMode = DEFAULT_SSL_MODE;
    private final List<String> keptQuery = new ArrayList<>();

    Parser(Node node, Problems problems, String prefix, String rest) {
      this.node = node;
      this.problems = problems;
      this.prefix = prefix;
      this.rest = rest;
    }

    PostgresUrl parse() {
      if (rest.contains("#")) {
        fail("bad-url", "the url must not have a #fragment");
      }
      int q = rest.indexOf('?');
      String beforeQuery = q < 0 ? rest : rest.substring(0, q);
      int slash = beforeQuery.indexOf('/');
      String authority = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
      int at = authority.lastIndexOf('@');
      String rawUser = at < 0 ? null : userInfo(authority.substring(0, at));
      String hostPort = authority.substring(at + 1);
      if (q >= 0) {
        query(rest.substring(q + 1));
      }
      String[] host = hostAndPort(hostPort);
      String rawPath = slash < 0 ? "" : beforeQuery.substring(slash + 1);
      String database = database(rawPath);
      if (!ok) {
        return null;
      }
      String stripped = prefix + (rawUser == null ? "" : rawUser + "@") + hostPort + "/" + rawPath
          + (keptQuery.isEmpty() ? "" : "?" + String.join("&", keptQuery));
      return new PostgresUrl(stripped, user, Secret.of(password), host[0], Integer.parseInt(host[1]), database, sslMode);
    }

    /** Splits {@code user:password}; returns the raw user part to keep in the stored URL. */
    private String userInfo(String info) {
      int colon = info.indexOf(':');
      String rawUser = colon < 0 ? info : info.substring(0, colon);
      if (colon >= 0) {
        String rawPassword = info.substring(colon + 1);
        problems.secret(rawPassword);
        password = decode(rawPassword);
        problems.secret(password);
      }
      user = decode(rawUser);
      return rawUser;
    }

    private void query(String query) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        switch (key) {
          case "" -> { }
          case "password" -> {
            problems.secret(value);
            password = password.isEmpty() ? decode(value) : password;
            problems.secret(password);
          }
          case "user" -> {
            user = user.isEmpty() ? decode(value) : user;
            keptQuery.add(pair);
          }
          case "sslmode" -> {
            sslMode = decode(value);
            keptQuery.add(pair);
            if (!SSL_MODES.contains(sslMode)) {
              fail("bad-ssl-mode", "sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full");
            }
          }
          default -> fail("unsupported-url-parameter",
              "only the parameters sslmode, user and password are supported; give other settings their own keys");
        }
      }
    }

    /** Returns {host, port}; an IPv6 literal loses its brackets: {@code [::1]:5432} → {"::1", "5432"}. */
    private String[] hostAndPort(String hostPort) {
      String host;
      String port;
      if (hostPort.startsWith("[")) {
        int close = hostPort.indexOf(']');
        host = close < 0 ? "" : hostPort.substring(1, close);
        String after = close < 0 ? "" : hostPort.substring(close + 1);
        port = after.startsWith(":") ? after.substring(1) : after.isEmpty() ? null : after;
      } else if (hostPort.contains(",")) {
        fail("bad-url", "several hosts in one url are not supported; give each database one host");
        return new String[] {"", String.valueOf(DEFAULT_PORT)};
      } else {
        int colon = hostPort.lastIndexOf(':');
        host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        port = colon < 0 ? null : hostPort.substring(colon + 1);
      }
      if (host.isEmpty()) {
        fail("url-missing-host", "the url names no host: postgresql://user@HOST:5432/database");
      }
      return new String[] {decode(host), port(port)};
    }

    private String port(String port) {
      if (port == null) {
        return String.valueOf(DEFAULT_PORT);
      }
      if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        fail("bad-port", "the url's port must be a number from 1 to 65535");
        return String.valueOf(DEFAULT_PORT);
      }
      return port;
    }

    private String database(String rawPath) {
      String database = decode(rawPath);
      if (database.isEmpty()) {
        fail("url-missing-database", "the url names no database: postgresql://user@host:5432/DATABASE");
      } else if (database.contains("/")) {
        fail("bad-url", "the url's path must be just the database name");
      }
      return database;
    }

    /** Percent-decoding as in URIs: unlike form encoding, '+' stays '+'. */
    private String decode(String raw) {
      try {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        fail("bad-url", "the url has a malformed %-escape");
        return raw;
      }
    }

    private void fail(String code, String message) {
      ok = false;
      node.error(code, message);
    }
  }
}
