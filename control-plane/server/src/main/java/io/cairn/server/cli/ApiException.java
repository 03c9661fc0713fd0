package io.cairn.server.cli;

import java.util.List;

/**
 * The admin API answered with an error: its HTTP status, its message and every problem it listed (a
 * 400 lists them all), so commands can add a hint for the problems they know.
 */
final class ApiException extends CliException {
  private final int httpStatus;
  private final String error;
  private final List<String> problems;

  ApiException(int httpStatus, String error, List<String> problems, String hint) {
    super(REFUSED, message(error, problems, hint));
    this.httpStatus = httpStatus;
    this.error = error;
    this.problems = List.copyOf(problems);
  }

  private static String message(String error, List<String> problems, String hint) {
    StringBuilder m = new StringBuilder(error);
    problems.forEach(p -> m.append("\n  - ").append(p));
    if (!hint.isEmpty()) {
      m.append("\n").append(hint);
    }
    return m.toString();
  }

  int httpStatus() {
    return httpStatus;
  }

  List<String> problems() {
    return problems;
  }

  /** The same error with {@code hint} (one or more lines) after the problems. */
  ApiException withHint(String hint) {
    return new ApiException(httpStatus, error, problems, hint);
  }
}
