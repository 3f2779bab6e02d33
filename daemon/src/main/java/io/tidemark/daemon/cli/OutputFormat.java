package io.tidemark.daemon.cli;

/** {@code --output table} (aligned, for people) or {@code --output json} (the API's answer, for scripts). */
enum OutputFormat {
  table, json
}
