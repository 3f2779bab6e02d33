package io.tidemark.planner;

/**
 * One thing wrong with a plan: the path inside the plan file ({@code expand[1].columns}), a stable code that
 * tests and tools match on ({@code must-not-be-empty}), and a message for people.
 */
public record Problem(String path, String code, String message) {
  @Override
  public String toString() {
    return path + ": " + message + " [" + code + "]";
  }
}
