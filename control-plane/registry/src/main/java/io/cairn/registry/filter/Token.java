package io.cairn.registry.filter;

import java.util.Locale;
import java.util.Set;

/**
 * One lexical token of a filter expression.
 *
 * @param value the decoded contents for strings, otherwise the source text
 * @param start 0-based offset of the first character
 * @param end offset just past the last character; selector parts must touch ({@code start} equal to
 *     the previous {@code end}), as go-bexpr allows no spaces inside {@code Service.Meta["k"]}
 */
record Token(Kind kind, String value, int start, int end) {
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "not", "in", "is", "empty", "contains", "matches");

  enum Kind {
    WORD,
    NUMBER,
    STRING,
    EQUAL,
    NOT_EQUAL,
    OPEN_PAREN,
    CLOSE_PAREN,
    DOT,
    OPEN_BRACKET,
    CLOSE_BRACKET,
    END
  }

  boolean isWord(String word) {
    return kind == Kind.WORD && value.equals(word);
  }

  /** A hint for error messages when this word is a keyword written in the wrong case. */
  String caseHint() {
    boolean miscased =
        kind == Kind.WORD
            && !KEYWORDS.contains(value)
            && KEYWORDS.contains(value.toLowerCase(Locale.ROOT));
    return miscased ? " (keywords are lower case)" : "";
  }

  /** How error messages show the token: {@code 'x'}, a quoted string, or "end of input". */
  String describe(String source) {
    return switch (kind) {
      case END -> "end of input";
      case STRING -> "string " + source.substring(start, end);
      default -> "'" + source.substring(start, end) + "'";
    };
  }
}
