package io.cairn.server.cli;

/** A command failed; {@link #status()} is the exit status (1 API error, 2 usage, 3 no server). */
final class CliException extends RuntimeException {
  private final int status;

  CliException(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
