package io.cairn.registry.filter;

import io.cairn.registry.RegistryException;

/**
 * A filter expression was rejected: bad syntax, an unknown selector, an operator or value that does
 * not fit the selected field, or a regular expression that is invalid (or, when matching, too
 * expensive). Front ends answer it with HTTP 400 and the message, which reads like {@code 1:17:
 * expected a value after '==', found end of input}.
 */
public final class FilterException extends RegistryException {
  private final int position;
  private final String reason;

  FilterException(String expression, int position, String reason) {
    super(location(expression, position) + ": " + reason);
    this.position = position;
    this.reason = reason;
  }

  /** The 0-based character offset in the expression where the problem is. */
  public int position() {
    return position;
  }

  /** The message without its {@code line:column:} prefix. */
  public String reason() {
    return reason;
  }

  /** 1-based {@code line:column}, since expressions may span lines (newlines are whitespace). */
  static String location(String expression, int position) {
    int line = 1;
    int lineStart = 0;
    int end = Math.min(position, expression.length());
    for (int i = 0; i < end; i++) {
      if (expression.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return line + ":" + (position - lineStart + 1);
  }
}
