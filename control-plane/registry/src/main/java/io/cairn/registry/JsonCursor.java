package io.cairn.registry;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.nio.charset.StandardCharsets;

/**
 * Reads compact JSON, as Jackson writes it, straight from its bytes: no tokens, trees or buffers.
 * Whatever it does not expect (whitespace, a field other than the one asked for, a number that is
 * not a plain integer) throws {@link #UNEXPECTED}, and the caller reads the value the general way
 * instead. So it never has to be right about JSON it does not know, only about what it accepts.
 *
 * <p>Not thread-safe; one instance reads one value.
 */
final class JsonCursor {
  /** Thrown, without a stack trace, when the input is not in the shape asked for. */
  static final class Unexpected extends RuntimeException {
    private Unexpected() {
      super("not the expected JSON", null, false, false);
    }
  }

  static final Unexpected UNEXPECTED = new Unexpected();

  private final byte[] json;
  private int at;

  JsonCursor(byte[] json) {
    this.json = json;
  }

  /** The bytes of {@code "name":}, to pass to {@link #field}. */
  static byte[] fieldName(String name) {
    return ("\"" + name + "\":").getBytes(StandardCharsets.UTF_8);
  }

  void expect(char c) {
    if (at >= json.length || json[at] != c) {
      throw UNEXPECTED;
    }
    at++;
  }

  /** Consumes {@code c} if it comes next. */
  boolean consume(char c) {
    if (at < json.length && json[at] == c) {
      at++;
      return true;
    }
    return false;
  }

  /** Consumes the field name {@code name} (from {@link #fieldName}), which must come next. */
  void field(byte[] name) {
    if (!consume(name)) {
      throw UNEXPECTED;
    }
  }

  /** Consumes {@code null} if it comes next. */
  boolean consumeNull() {
    return consume(NULL);
  }

  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

  private boolean consume(byte[] bytes) {
    int n = bytes.length;
    if (json.length - at < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (json[at + i] != bytes[i]) {
        return false;
      }
    }
    at += n;
    return true;
  }

  boolean bool() {
    if (consume(TRUE)) {
      return true;
    }
    if (consume(FALSE)) {
      return false;
    }
    throw UNEXPECTED;
  }

  /** A plain integer of at most 18 digits. */
  long longValue() {
    boolean negative = consume('-');
    int start = at;
    long value = 0;
    while (at < json.length && json[at] >= '0' && json[at] <= '9') {
      value = value * 10 + (json[at] - '0');
      at++;
    }
    int digits = at - start;
    if (digits == 0 || digits > 18 || (digits > 1 && json[start] == '0')) {
      throw UNEXPECTED;
    }
    return negative ? -value : value;
  }

  int intValue() {
    long value = longValue();
    if (value != (int) value) {
      throw UNEXPECTED;
    }
    return (int) value;
  }

  /**
   * A string of printable ASCII and escapes. Other bytes are left to Jackson, which also checks
   * that they are well-formed UTF-8 (a control character is not allowed unescaped either way).
   */
  String string() {
    expect('"');
    int start = at;
    while (at < json.length) {
      byte b = json[at];
      if (b == '"') {
        at++;
        return at - 1 == start ? "" : new String(json, start, at - 1 - start, ISO_8859_1);
      }
      if (b == '\\') {
        return escaped(start);
      }
      if (b < 0x20) { // a control character, or (negative) any byte of a multi-byte character
        throw UNEXPECTED;
      }
      at++;
    }
    throw UNEXPECTED;
  }

  /** A string as {@link #string()} reads it, taken from {@code shared} if it was read before. */
  String string(SharedStrings shared) {
    expect('"');
    int start = at;
    int hash = 0;
    while (at < json.length) {
      byte b = json[at];
      if (b == '"') {
        at++;
        return at - 1 == start ? "" : shared.get(json, start, at - 1, hash);
      }
      if (b == '\\') {
        return escaped(start);
      }
      if (b < 0x20) {
        throw UNEXPECTED;
      }
      hash = 31 * hash + b;
      at++;
    }
    throw UNEXPECTED;
  }

  /**
   * A string, returned as {@code known} when it has exactly {@code known}'s characters, so that
   * equal strings the caller already holds are not kept twice.
   */
  String string(String known) {
    int length = known.length();
    int end = at + 1 + length;
    if (end < json.length && json[at] == '"' && json[end] == '"') {
      int i = 0;
      while (i < length && json[at + 1 + i] == known.charAt(i) && known.charAt(i) != '\\') {
        i++;
      }
      if (i == length) {
        at = end + 1;
        return known;
      }
    }
    return string();
  }

  /** The rest of a string that has escapes, from {@code start} (just after its opening quote). */
  private String escaped(int start) {
    StringBuilder s = new StringBuilder(at - start + 16);
    for (int i = start; i < at; i++) {
      s.append((char) json[i]);
    }
    while (at < json.length) {
      byte b = json[at++];
      if (b == '"') {
        return s.toString();
      }
      if (b < 0x20) {
        throw UNEXPECTED;
      }
      if (b != '\\') {
        s.append((char) b);
        continue;
      }
      if (at >= json.length) {
        throw UNEXPECTED;
      }
      switch (json[at++]) {
        case '"' -> s.append('"');
        case '\\' -> s.append('\\');
        case '/' -> s.append('/');
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> s.append(hexChar());
        default -> throw UNEXPECTED;
      }
    }
    throw UNEXPECTED;
  }

  private char hexChar() {
    if (json.length - at < 4) {
      throw UNEXPECTED;
    }
    int c = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(json[at++], 16);
      if (digit < 0) {
        throw UNEXPECTED;
      }
      c = c * 16 + digit;
    }
    return (char) c;
  }

  /** Fails unless everything was read. */
  void end() {
    if (at != json.length) {
      throw UNEXPECTED;
    }
  }
}
