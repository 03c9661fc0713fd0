package io.cairn.registry.filter;

import io.cairn.registry.filter.FilterValue.Bool;
import io.cairn.registry.filter.FilterValue.Int;
import io.cairn.registry.filter.FilterValue.Real;
import io.cairn.registry.filter.FilterValue.Text;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A value written in an expression. As in go-bexpr, quoting does not give it a type: {@code 8080},
 * {@code "8080"} and {@code `8080`} are the same text, read as whatever the selected field holds
 * (text, integer, decimal or boolean). Every reading is worked out once here, so evaluation only
 * compares.
 */
final class Literal {
  private static final int NOT_BOOL = -1;
  private static final Pattern DECIMAL_SYNTAX =
      Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  private final String text;
  private final boolean isInteger;
  private final long integer;
  private final boolean isDecimal;
  private final double decimal;
  private final int bool;

  Literal(String text) {
    this.text = text;
    Optional<Long> asInteger = parseInteger(text);
    this.isInteger = asInteger.isPresent();
    this.integer = asInteger.orElse(0L);
    Optional<Double> asDecimal = parseDecimal(text);
    this.isDecimal = asDecimal.isPresent();
    this.decimal = asDecimal.orElse(0.0);
    this.bool = parseBool(text);
  }

  String text() {
    return text;
  }

  /** Whether this literal reads as {@code type} (go-bexpr's coercion at filter creation). */
  boolean fits(SelectorSchema.Scalar type) {
    return switch (type) {
      case TEXT -> true;
      case INTEGER -> isInteger;
      case DECIMAL -> isDecimal;
      case BOOL -> bool != NOT_BOOL;
    };
  }

  /**
   * Equality after reading this literal as {@code value}'s type; a literal that does not read as
   * that type equals nothing. Lists, maps and missing values equal no literal.
   */
  boolean equalTo(FilterValue value) {
    return switch (value) {
      case Text t -> t.value().equals(text);
      case Int i -> isInteger && i.value() == integer;
      case Real r -> isDecimal && r.value() == decimal;
      case Bool b -> bool != NOT_BOOL && (bool == 1) == b.value();
      case FilterValue.ListValue l -> false;
      case FilterValue.MapValue m -> false;
      case FilterValue.Missing m -> false;
    };
  }

  /** Decimal integers only; Go would also read "0x1f" and octal "010", which we refuse. */
  private static Optional<Long> parseInteger(String text) {
    int digitsFrom = !text.isEmpty() && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
    if (digitsFrom == text.length()
        || (text.charAt(digitsFrom) == '0' && text.length() > digitsFrom + 1)) {
      return Optional.empty();
    }
    for (int i = digitsFrom; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(Long.parseLong(text));
    } catch (NumberFormatException overflow) {
      return Optional.empty();
    }
  }

  /** Plain decimal notation with an optional exponent; no hex, NaN or infinities. */
  private static Optional<Double> parseDecimal(String text) {
    if (!DECIMAL_SYNTAX.matcher(text).matches()) {
      return Optional.empty();
    }
    double value = Double.parseDouble(text);
    return Double.isInfinite(value) ? Optional.empty() : Optional.of(value);
  }

  /** Go's strconv.ParseBool spellings. */
  private static int parseBool(String text) {
    return switch (text) {
      case "1", "t", "T", "TRUE", "true", "True" -> 1;
      case "0", "f", "F", "FALSE", "false", "False" -> 0;
      default -> NOT_BOOL;
    };
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Literal literal && literal.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
