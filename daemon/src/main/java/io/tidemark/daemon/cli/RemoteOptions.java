package io.tidemark.daemon.cli;

import picocli.CommandLine.Option;

/**
 * {@code --url} and {@code --token} of every command that talks to a running daemon, defaulting to
 * {@code TIDEMARK_URL} and {@code TIDEMARK_TOKEN}. The token is never printed (picocli shows no default for it).
 */
public final class RemoteOptions {
  @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:TIDEMARK_URL:-http://127.0.0.1:7654}",
      description = "Daemon API base URL (env TIDEMARK_URL; default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:TIDEMARK_TOKEN}", showDefaultValue =
      picocli.CommandLine.Help.Visibility.NEVER, description = "Bearer token (env TIDEMARK_TOKEN).")
  String token;

  ApiClient client() {
    return new ApiClient(url, token);
  }
}
