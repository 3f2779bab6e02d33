package io.tidemark.daemon.cli;

/** The CLI's exit codes (README.md). */
public final class ExitCodes {
  public static final int OK = 0;
  /** The daemon or a database failed. */
  public static final int FAILURE = 1;
  /** Bad input: an invalid plan, config or command line. Nothing was changed. */
  public static final int BAD_INPUT = 2;

  private ExitCodes() {}
}
