package io.cairn.server.cli;

/**
 * A command failed; {@link #status()} is the exit status: 1 refused by the server or not applied, 2
 * usage error, 3 cannot reach the server.
 */
class CliException extends RuntimeException {
  static final int REFUSED = 1;
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;

  private final int status;

  CliException(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
