package io.tidemark.planner;

/**
 * One thing wrong with a plan: the path inside the plan file ({@code expand[1].columns}), a stable code that
 * tests and tools match on ({@code must-not-be-empty}), and a message for people. The path is empty for a
 * problem with the file as a whole (a syntax error, whose message names the line).
 */
public record Problem(String path, String code, String message) {
  @Override
  public String toString() {
    return (path.isEmpty() ? "" : path + ": ") + message + " [" + code + "]";
  }
}
