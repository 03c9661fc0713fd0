package io.cairn.registry.acl;

import io.cairn.registry.validation.Problems;

/**
 * Splits HCL rules into identifiers, quoted strings and punctuation, skipping comments ({@code #},
 * {@code //}, {@code /* *}{@code /}) and commas. Enough of HCL for ACL rules, nothing more.
 */
final class HclTokens {
  enum Type {
    IDENT,
    STRING,
    PUNCT,
    END
  }

  record Token(Type type, String text, int line) {
    boolean is(String punct) {
      return type == Type.PUNCT && text.equals(punct);
    }

    @Override
    public String toString() {
      return switch (type) {
        case END -> "the end of the rules";
        case STRING -> "\"" + text + "\"";
        default -> "'" + text + "'";
      };
    }
  }

  private final String s;
  private final Problems problems;
  private int pos;
  private int line = 1;

  HclTokens(String s, Problems problems) {
    this.s = s;
    this.problems = problems;
  }

  boolean more() {
    skipSpace();
    return pos < s.length();
  }

  Token next() {
    skipSpace();
    if (pos >= s.length()) {
      return new Token(Type.END, "", line);
    }
    char c = s.charAt(pos);
    if (c == '"') {
      return string();
    }
    if (Character.isLetter(c) || c == '_') {
      int start = pos;
      while (pos < s.length()
          && (Character.isLetterOrDigit(s.charAt(pos))
              || s.charAt(pos) == '_'
              || s.charAt(pos) == '-')) {
        pos++;
      }
      return new Token(Type.IDENT, s.substring(start, pos), line);
    }
    pos++;
    return new Token(Type.PUNCT, String.valueOf(c), line);
  }

  /** After an error: skips to the end of the current block, or the current line. */
  void skipBlock() {
    int depth = 0;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth <= 0) {
        pos++;
        return;
      } else if (c == '\n') {
        if (depth == 0) {
          return;
        }
        line++;
      }
      pos++;
    }
  }

  private Token string() {
    int startLine = line;
    StringBuilder out = new StringBuilder();
    pos++;
    while (pos < s.length()) {
      char c = s.charAt(pos++);
      if (c == '"') {
        return new Token(Type.STRING, out.toString(), startLine);
      }
      if (c == '\n') {
        break;
      }
      if (c == '\\' && pos < s.length()) {
        char e = s.charAt(pos++);
        out.append(
            switch (e) {
              case 'n' -> '\n';
              case 't' -> '\t';
              default -> e;
            });
      } else {
        out.append(c);
      }
    }
    problems.add("Rules", "line " + startLine + ": a string is not closed");
    return new Token(Type.END, "", line);
  }

  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '\n') {
        line++;
        pos++;
      } else if (Character.isWhitespace(c) || c == ',') {
        pos++;
      } else if (c == '#' || s.startsWith("//", pos)) {
        while (pos < s.length() && s.charAt(pos) != '\n') {
          pos++;
        }
      } else if (s.startsWith("/*", pos)) {
        int end = s.indexOf("*/", pos + 2);
        int stop = end < 0 ? s.length() : end + 2;
        for (int i = pos; i < stop; i++) {
          if (s.charAt(i) == '\n') {
            line++;
          }
        }
        if (end < 0) {
          problems.add("Rules", "line " + line + ": a /* comment is not closed");
        }
        pos = stop;
      } else {
        return;
      }
    }
  }
}
