package io.tidemark.daemon.api;

import io.tidemark.config.AuthToken;
import io.tidemark.config.HttpSettings;
import io.tidemark.config.Role;
import io.tidemark.config.Secret;
import io.tidemark.config.TidemarkConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** Tokens, configs, plan texts and a raw HTTP client for API tests. */
final class ApiFixture {
  static final String VIEWER = "viewer-token-3f9a2c";
  static final String SUBMITTER = "submitter-token-8b1d77";
  static final String OPERATOR = "operator-token-c40e55";
  static final List<AuthToken> TOKENS = List.of(new AuthToken("dash", Role.VIEWER, Secret.of(VIEWER)),
      new AuthToken("ci", Role.SUBMITTER, Secret.of(SUBMITTER)),
      new AuthToken("oncall", Role.OPERATOR, Secret.of(OPERATOR)));

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ApiFixture() {}

  static TidemarkConfig withTokens(TidemarkConfig c, List<AuthToken> tokens, long maxBody) {
    return new TidemarkConfig(c.stateDatabase(), new HttpSettings("127.0.0.1", 0, maxBody), tokens, c.databases(),
        c.groups(), c.servers(), c.defaults(), c.daemon(), c.hooks(), c.warnings());
  }

  /** {@code c} with other HTTP settings. */
  static TidemarkConfig withHttp(TidemarkConfig c, HttpSettings http) {
    return new TidemarkConfig(c.stateDatabase(), http, c.tokens(), c.databases(), c.groups(), c.servers(),
        c.defaults(), c.daemon(), c.hooks(), c.warnings());
  }

  /**
   * users.{@code column} added, backfilled from is_active (counting each row's updates in touched) at
   * {@code rate} rows/s in batches of 100 on {@code databases}, then NOT NULL after approval.
   */
  static String plan(String id, String column, String databases, int rate) {
    return "id = \"" + id + "\"\n"
        + "description = \"users." + column + " from is_active\"\n"
        + "databases = [" + databases + "]\n"
        + "rollout { canary = 1, parallel = 2 }\n"
        + "contract.approval = required\n"
        + "expand = [ { op = add_column, table = users, column = " + column + ", type = text }\n"
        + "  { op = create_index, table = users, name = users_" + column + "_idx, columns = [" + column + "] } ]\n"
        + "migrate = [ { op = backfill, table = users, set = \"" + column + " = CASE WHEN is_active THEN 'active'"
        + " ELSE 'inactive' END, touched = touched + 1\", where = \"" + column + " IS NULL\", max-rows-per-second = " + rate
        + ", min-batch-rows = 100, max-batch-rows = 100 } ]\n"
        + "contract = [ { op = set_not_null, table = users, column = " + column + " } ]\n";
  }

  record Answer(int status, String body) {}

  static Answer send(int port, String method, String path, String token, String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
