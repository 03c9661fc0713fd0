package io.cairn.registry.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * The parser's cursor over the tokens of one expression, lexed on demand so that errors come out in
 * reading order.
 */
final class TokenStream {
  private final String source;
  private final FilterLexer lexer;
  private final List<Token> tokens = new ArrayList<>();
  private int next;

  TokenStream(String source) {
    this.source = source;
    this.lexer = new FilterLexer(source);
  }

  String source() {
    return source;
  }

  /** The current token. */
  Token peek() {
    return peek(0);
  }

  /** The token {@code ahead} places after the current one; the end token past the end. */
  Token peek(int ahead) {
    while (tokens.size() <= next + ahead) {
      tokens.add(lexer.next());
    }
    return tokens.get(next + ahead);
  }

  /** Returns the current token and moves past it. */
  Token advance() {
    Token token = peek();
    next++;
    return token;
  }

  /** Whether {@code token} starts right where the previous token ended, with no space between. */
  boolean touchesPrevious(Token token) {
    return next > 0 && tokens.get(next - 1).end() == token.start();
  }

  /** How messages show {@code token}. */
  String describe(Token token) {
    return token.describe(source);
  }

  FilterException error(Token token, String reason) {
    return new FilterException(source, token.start(), reason);
  }
}
