package io.cairn.registry.filter;

import io.cairn.registry.filter.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses one match: {@code selector == value}, {@code selector != value}, {@code selector [not]
 * contains value}, {@code selector [not] matches value}, {@code selector is [not] empty} or {@code
 * value [not] in selector}. A value is a string, a number or a bare word; a selector-shaped bare
 * word such as {@code v2}, {@code true} or {@code a.b} stands for its own text, as in go-bexpr.
 */
final class MatchParser {
  private static final String OPERATORS =
      "==, !=, in, not in, contains, not contains, matches, not matches, is empty, is not empty";

  /** The longest pattern {@code matches} accepts, as for config entries' regex matches. */
  static final int MAX_REGEX_LENGTH = 4096;

  private final TokenStream tokens;
  private final SchemaCheck schema;

  MatchParser(TokenStream tokens, SchemaCheck schema) {
    this.tokens = tokens;
    this.schema = schema;
  }

  /** A selector as written: its names, where each starts, and its source text. */
  record Path(List<String> names, List<Integer> positions, String text) {
    /** The text a selector-shaped bare value stands for: its names joined with dots. */
    Literal asValue() {
      return new Literal(String.join(".", names));
    }
  }

  /**
   * Whether the current keyword ({@code not}, {@code and}, {@code or}) is a field name instead, as
   * in {@code not == x} or {@code or.x == y}; go-bexpr reserves no words.
   */
  boolean keywordIsSelector() {
    Token keyword = tokens.peek();
    Token after = tokens.peek(1);
    return after.kind() == Kind.EQUAL
        || after.kind() == Kind.NOT_EQUAL
        || (after.start() == keyword.end()
            && (after.kind() == Kind.DOT || after.kind() == Kind.OPEN_BRACKET));
  }

  Expression match() {
    Token first = tokens.peek();
    boolean keyword = first.isWord("and") || first.isWord("or");
    if (first.kind() == Kind.STRING || first.kind() == Kind.NUMBER) {
      tokens.advance();
      return valueInSelector(new Literal(first.value()), first);
    }
    if (first.kind() != Kind.WORD || (keyword && !keywordIsSelector())) {
      throw tokens.error(first, "expected an expression, found " + tokens.describe(first));
    }
    Path path = path();
    Token operator = tokens.peek();
    if (operator.kind() == Kind.EQUAL || operator.kind() == Kind.NOT_EQUAL) {
      tokens.advance();
      Operator op = operator.kind() == Kind.EQUAL ? Operator.EQUAL : Operator.NOT_EQUAL;
      return compare(path, op, operator);
    }
    if (operator.isWord("contains") || operator.isWord("matches")) {
      tokens.advance();
      Operator op = operator.isWord("contains") ? Operator.CONTAINS : Operator.MATCHES;
      return compare(path, op, operator);
    }
    if (operator.isWord("in") || (operator.isWord("not") && tokens.peek(1).isWord("in"))) {
      // The word before the operator was a bare value, e.g. canary in Service.Tags.
      return valueInSelector(path.asValue(), first);
    }
    if (operator.isWord("is")) {
      return emptiness(path);
    }
    if (operator.isWord("not")) {
      tokens.advance();
      Token after = tokens.advance();
      if (after.isWord("contains") || after.isWord("matches")) {
        Operator op = after.isWord("contains") ? Operator.NOT_CONTAINS : Operator.NOT_MATCHES;
        return compare(path, op, operator);
      }
      throw tokens.error(
          after,
          "expected 'in', 'contains' or 'matches' after 'not', found "
              + tokens.describe(after)
              + after.caseHint());
    }
    String hint = first.caseHint().isEmpty() ? operator.caseHint() : first.caseHint();
    throw tokens.error(
        operator,
        "expected an operator ("
            + OPERATORS
            + ") after '"
            + path.text()
            + "', found "
            + tokens.describe(operator)
            + hint);
  }

  /** {@code selector is empty} and {@code selector is not empty}, at the {@code is}. */
  private Expression emptiness(Path path) {
    Token is = tokens.advance();
    boolean not = tokens.peek().isWord("not");
    if (not) {
      tokens.advance();
    }
    Token empty = tokens.peek();
    if (!empty.isWord("empty")) {
      throw tokens.error(
          empty,
          "expected 'empty' or 'not empty' after 'is', found "
              + tokens.describe(empty)
              + empty.caseHint());
    }
    tokens.advance();
    Operator op = not ? Operator.IS_NOT_EMPTY : Operator.IS_EMPTY;
    return build(path, op, is, Optional.empty(), -1);
  }

  /** {@code value in selector} and {@code value not in selector}, at the {@code [not] in}. */
  private Expression valueInSelector(Literal value, Token valueToken) {
    Token operator = tokens.peek();
    boolean not = operator.isWord("not") && tokens.peek(1).isWord("in");
    if (!not && !operator.isWord("in")) {
      throw tokens.error(
          operator,
          "expected 'in' or 'not in' after the value "
              + tokens.describe(valueToken)
              + ", found "
              + tokens.describe(operator)
              + operator.caseHint());
    }
    tokens.advance();
    if (not) {
      tokens.advance();
    }
    Token selector = tokens.peek();
    if (selector.kind() != Kind.WORD) {
      throw tokens.error(
          selector,
          "expected a selector after '"
              + (not ? "not in" : "in")
              + "', found "
              + tokens.describe(selector));
    }
    Operator op = not ? Operator.NOT_IN : Operator.IN;
    return build(path(), op, operator, Optional.of(value), valueToken.start());
  }

  /** The value after {@code ==}, {@code contains} and the like; the operator is consumed. */
  private Expression compare(Path path, Operator op, Token operator) {
    Token token = tokens.peek();
    Literal value =
        switch (token.kind()) {
          case STRING, NUMBER -> new Literal(tokens.advance().value());
          case WORD -> path().asValue();
          default ->
              throw tokens.error(
                  token,
                  "expected a value after '"
                      + op.spelling()
                      + "', found "
                      + tokens.describe(token));
        };
    return build(path, op, operator, Optional.of(value), token.start());
  }

  private Expression build(
      Path path, Operator op, Token operator, Optional<Literal> value, int valuePosition) {
    String source = tokens.source();
    int listDepth = schema.check(source, path, op, operator.start(), value, valuePosition);
    Selector selector = new Selector(path.names(), path.text(), listDepth);
    Comparison comparison =
        switch (op.family()) {
          case EQUALITY -> new Comparison.Equal(value.orElseThrow());
          case INCLUSION -> new Comparison.Includes(value.orElseThrow());
          case EMPTINESS -> new Comparison.Empty();
          case REGEX ->
              new Comparison.Regex(
                  regex(value.orElseThrow(), valuePosition), source, valuePosition);
        };
    return new Expression.Match(selector, comparison, op.negated());
  }

  /** Compiles a pattern once, here, so a bad one is a parse error and evaluation never compiles. */
  private Pattern regex(Literal value, int position) {
    // Compiling a long literal takes the JDK quadratic time: 40,000 characters cost 1.5 s.
    if (value.text().length() > MAX_REGEX_LENGTH) {
      throw new FilterException(
          tokens.source(),
          position,
          "regular expression of "
              + value.text().length()
              + " characters; at most "
              + MAX_REGEX_LENGTH
              + " are allowed");
    }
    try {
      return Pattern.compile(value.text());
    } catch (PatternSyntaxException e) {
      throw new FilterException(
          tokens.source(),
          position,
          "invalid regular expression: " + e.getDescription() + " in /" + value.text() + "/");
    }
  }

  /** A selector: a word, then {@code .word} and {@code ["key"]} parts with no spaces between. */
  private Path path() {
    Token first = tokens.advance();
    List<String> names = new ArrayList<>(List.of(first.value()));
    List<Integer> positions = new ArrayList<>(List.of(first.start()));
    Token last = first;
    while (tokens.peek().start() == last.end()) {
      Token part = tokens.peek();
      if (part.kind() == Kind.DOT) {
        tokens.advance();
        Token name = tokens.advance();
        if (name.kind() != Kind.WORD || name.start() != part.end()) {
          throw tokens.error(
              name, "expected a name right after '.', found " + tokens.describe(name));
        }
        names.add(name.value());
        positions.add(name.start());
        last = name;
      } else if (part.kind() == Kind.OPEN_BRACKET) {
        tokens.advance();
        Token key = tokens.advance();
        if (key.kind() != Kind.STRING) {
          throw tokens.error(
              key,
              "expected a quoted key after '[', e.g. Meta[\"key\"], found " + tokens.describe(key));
        }
        last = tokens.advance();
        if (last.kind() != Kind.CLOSE_BRACKET) {
          throw tokens.error(last, "expected ']' after the key, found " + tokens.describe(last));
        }
        names.add(key.value());
        positions.add(key.start());
      } else {
        break;
      }
    }
    return new Path(names, positions, tokens.source().substring(first.start(), last.end()));
  }
}
