package io.cairn.registry.filter;

import io.cairn.registry.filter.Token.Kind;

/**
 * Splits an expression into tokens with go-bexpr's lexical rules: words are ASCII {@code
 * [a-zA-Z][a-zA-Z0-9_]*}; numbers are decimal ({@code -}, no leading zeros, optional fraction) and
 * must be followed by whitespace, {@code )} or the end; strings are double-quoted with Go escapes
 * or backtick-quoted raw; whitespace is space, tab, CR and LF. Tokens are made on demand, so errors
 * come out in reading order whether the lexer or the parser finds them.
 */
final class FilterLexer {
  private final String source;
  private int pos;

  FilterLexer(String source) {
    this.source = source;
  }

  /** The next token; {@link Kind#END} once the input is used up, however often it is asked. */
  Token next() {
    while (pos < source.length() && isSpace(source.charAt(pos))) {
      pos++;
    }
    if (pos == source.length()) {
      return new Token(Kind.END, "", pos, pos);
    }
    return next(source.charAt(pos));
  }

  private Token next(char c) {
    return switch (c) {
      case '(' -> symbol(Kind.OPEN_PAREN, 1);
      case ')' -> symbol(Kind.CLOSE_PAREN, 1);
      case '.' -> symbol(Kind.DOT, 1);
      case '[' -> symbol(Kind.OPEN_BRACKET, 1);
      case ']' -> symbol(Kind.CLOSE_BRACKET, 1);
      case '=' -> {
        if (at(pos + 1) != '=') {
          throw error(pos, "unexpected '='; compare with '=='");
        }
        yield symbol(Kind.EQUAL, 2);
      }
      case '!' -> {
        if (at(pos + 1) != '=') {
          throw error(pos, "unexpected '!'; use '!=' or 'not'");
        }
        yield symbol(Kind.NOT_EQUAL, 2);
      }
      case '"' -> quoted();
      case '`' -> raw();
      case '\'' -> throw error(pos, "single quotes do not make a string; use \"...\" or `...`");
      case '<', '>' ->
          throw error(
              pos,
              "unexpected '"
                  + c
                  + "': filters cannot order values; the operators are ==, !=, in, not in,"
                  + " contains, not contains, matches, not matches, is empty and is not empty");
      case '&' -> throw error(pos, "unexpected '&'; use 'and'");
      case '|' -> throw error(pos, "unexpected '|'; use 'or'");
      default -> {
        if (c == '-' || isDigit(c)) {
          yield number();
        }
        if (isLetter(c)) {
          yield word();
        }
        throw error(pos, "unexpected character " + show(c));
      }
    };
  }

  private Token symbol(Kind kind, int length) {
    int start = pos;
    pos += length;
    return new Token(kind, source.substring(start, pos), start, pos);
  }

  private Token word() {
    int start = pos;
    pos++;
    while (pos < source.length() && isWordPart(source.charAt(pos))) {
      pos++;
    }
    return new Token(Kind.WORD, source.substring(start, pos), start, pos);
  }

  private Token number() {
    int start = pos;
    if (source.charAt(pos) == '-') {
      pos++;
    }
    if (pos == source.length() || !isDigit(source.charAt(pos))) {
      throw error(start, "unexpected '-'; quote values that contain '-', e.g. \"a-b\"");
    }
    if (source.charAt(pos) == '0') {
      pos++;
    } else {
      skipDigits();
    }
    if (at(pos) == '.' && isDigit(at(pos + 1))) {
      pos++;
      skipDigits();
    }
    if (pos < source.length() && !isSpace(source.charAt(pos)) && source.charAt(pos) != ')') {
      // Show the whole run the user typed (e.g. 1.2.3 or 5ms) so the hint to quote it is clear.
      int end = pos;
      while (end < source.length() && !isSpace(source.charAt(end)) && source.charAt(end) != ')') {
        end++;
      }
      String text = source.substring(start, end);
      throw error(
          start,
          "invalid number '" + text + "'; quote values that are not plain numbers: `" + text + "`");
    }
    return new Token(Kind.NUMBER, source.substring(start, pos), start, pos);
  }

  private Token raw() {
    int start = pos;
    int close = source.indexOf('`', start + 1);
    if (close < 0) {
      throw error(start, "unterminated string: no closing '`'");
    }
    pos = close + 1;
    // Go drops carriage returns from raw strings.
    String value = source.substring(start + 1, close).replace("\r", "");
    return new Token(Kind.STRING, value, start, pos);
  }

  private Token quoted() {
    int start = pos;
    StringBuilder value = new StringBuilder();
    pos++;
    while (true) {
      if (pos == source.length()) {
        throw error(start, "unterminated string: no closing '\"'");
      }
      char c = source.charAt(pos);
      if (c == '"') {
        pos++;
        return new Token(Kind.STRING, value.toString(), start, pos);
      }
      if (c == '\n') {
        throw error(pos, "newline in a double-quoted string; use a `raw string` to span lines");
      }
      if (c == '\\') {
        escape(value, start);
      } else {
        value.append(c);
        pos++;
      }
    }
  }

  /** Decodes one Go escape sequence ({@code \n}, {@code \x41}, {@code \u00e9}, {@code \101}...). */
  private void escape(StringBuilder value, int stringStart) {
    int at = pos;
    if (at + 1 == source.length()) {
      throw error(stringStart, "unterminated string: no closing '\"'");
    }
    char kind = source.charAt(at + 1);
    pos = at + 2;
    switch (kind) {
      case 'a' -> value.append('\u0007');
      case 'b' -> value.append('\b');
      case 'f' -> value.append('\f');
      case 'n' -> value.append('\n');
      case 'r' -> value.append('\r');
      case 't' -> value.append('\t');
      case 'v' -> value.append('\u000B');
      case '\\' -> value.append('\\');
      case '"' -> value.append('"');
      case 'x' -> value.append((char) hex(at, 2));
      case 'u' -> value.appendCodePoint(codePoint(at, hex(at, 4)));
      case 'U' -> value.appendCodePoint(codePoint(at, hex(at, 8)));
      case '0', '1', '2', '3', '4', '5', '6', '7' -> {
        pos = at + 1;
        int octal = digits(at, 3, 8);
        if (octal > 255) {
          throw error(at, "octal escape " + source.substring(at, pos) + " is above \\377");
        }
        value.append((char) octal);
      }
      default ->
          throw error(
              at,
              "invalid escape '\\"
                  + kind
                  + "' in a double-quoted string; write '\\\\' for a backslash, or use a `raw"
                  + " string` (regular expressions usually want one)");
    }
  }

  private int hex(int escapeStart, int count) {
    return digits(escapeStart, count, 16);
  }

  private int digits(int escapeStart, int count, int radix) {
    long result = 0;
    for (int i = 0; i < count; i++) {
      int digit = digitValue(at(pos));
      if (digit < 0 || digit >= radix) {
        throw error(escapeStart, "escape sequence needs " + count + " base-" + radix + " digits");
      }
      result = result * radix + digit;
      pos++;
    }
    return (int) Math.min(result, Integer.MAX_VALUE);
  }

  private int codePoint(int escapeStart, int value) {
    if (value > Character.MAX_CODE_POINT || (value >= 0xD800 && value <= 0xDFFF)) {
      throw error(
          escapeStart,
          "escape " + source.substring(escapeStart, pos) + " is not a valid Unicode code point");
    }
    return value;
  }

  private void skipDigits() {
    while (pos < source.length() && isDigit(source.charAt(pos))) {
      pos++;
    }
  }

  /** The character at {@code index}, or NUL past the end (NUL never starts a valid token). */
  private char at(int index) {
    return index < source.length() ? source.charAt(index) : '\0';
  }

  private FilterException error(int position, String reason) {
    return new FilterException(source, position, reason);
  }

  private static String show(char c) {
    return c >= 0x21 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  private static int digitValue(char c) {
    if (isDigit(c)) {
      return c - '0';
    }
    char lower = (char) (c | 0x20);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }

  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isWordPart(char c) {
    return isLetter(c) || isDigit(c) || c == '_';
  }
}
