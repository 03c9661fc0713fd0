package io.cairn.registry.filter;

import io.cairn.registry.filter.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for go-bexpr's grammar, loosest first: {@code or}, then {@code and},
 * then a prefix {@code not}, then a parenthesized expression or one match ({@link MatchParser}).
 * Keywords are lower case.
 */
final class FilterParser {
  /** Parentheses and {@code not} nest at most this deep, so hostile input cannot overflow. */
  static final int MAX_DEPTH = 64;

  private final TokenStream tokens;
  private final MatchParser matches;
  private int depth;

  private FilterParser(String source, SchemaCheck schema) {
    this.tokens = new TokenStream(source);
    this.matches = new MatchParser(tokens, schema);
  }

  static Expression parse(String source, SchemaCheck schema) {
    FilterParser parser = new FilterParser(source, schema);
    Expression expression = parser.or();
    Token extra = parser.tokens.peek();
    if (extra.kind() != Kind.END) {
      throw parser.unexpectedAfterMatch(extra);
    }
    return expression;
  }

  private Expression or() {
    List<Expression> terms = new ArrayList<>(List.of(and()));
    while (tokens.peek().isWord("or")) {
      tokens.advance();
      terms.add(and());
    }
    return terms.size() == 1 ? terms.getFirst() : new Expression.AnyOf(terms);
  }

  private Expression and() {
    List<Expression> terms = new ArrayList<>(List.of(unary()));
    while (tokens.peek().isWord("and")) {
      tokens.advance();
      terms.add(unary());
    }
    return terms.size() == 1 ? terms.getFirst() : new Expression.AllOf(terms);
  }

  private Expression unary() {
    Token token = tokens.peek();
    if (token.isWord("not") && !matches.keywordIsSelector()) {
      tokens.advance();
      enter(token);
      Expression operand = unary();
      depth--;
      // "not not x" is x, as in go-bexpr.
      return operand instanceof Expression.Not not ? not.operand() : new Expression.Not(operand);
    }
    if (token.kind() == Kind.OPEN_PAREN) {
      tokens.advance();
      enter(token);
      Expression inner = or();
      Token close = tokens.peek();
      if (close.kind() != Kind.CLOSE_PAREN) {
        throw tokens.error(
            close,
            "expected 'and', 'or' or ')' to close the '(' at "
                + FilterException.location(tokens.source(), token.start())
                + ", found "
                + tokens.describe(close));
      }
      tokens.advance();
      depth--;
      return inner;
    }
    return matches.match();
  }

  private void enter(Token token) {
    if (++depth > MAX_DEPTH) {
      throw tokens.error(token, "expression nests more than " + MAX_DEPTH + " levels deep");
    }
  }

  /** The error for a token where only {@code and}, {@code or}, {@code )} or the end may follow. */
  private FilterException unexpectedAfterMatch(Token extra) {
    if (extra.kind() == Kind.CLOSE_PAREN) {
      return tokens.error(extra, "unmatched ')'");
    }
    String hint = extra.caseHint();
    if (hint.isEmpty() && tokens.touchesPrevious(extra)) {
      // e.g. prod-1 lexes as prod and -1: the user meant one value.
      hint = " (quote values that contain characters other than letters, digits and '_')";
    }
    return tokens.error(
        extra, "expected 'and', 'or' or end of input, found " + tokens.describe(extra) + hint);
  }
}
