package io.tidemark.daemon.cli;

/** A remote command that could not be done, with the exit code it ends the CLI with and what to print. */
final class RemoteException extends RuntimeException {
  private final int exitCode;

  RemoteException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
