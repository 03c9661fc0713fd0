package io.cairn.registry.filter;

import io.cairn.registry.filter.FilterValue.ListValue;
import io.cairn.registry.filter.FilterValue.MapValue;
import io.cairn.registry.filter.FilterValue.Text;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The positive form of a match operator, applied to the selected value; {@link Expression.Match}
 * negates it for {@code !=}, {@code not in}, {@code not contains}, {@code not matches} and {@code
 * is not empty}. Values of a type an operator does not apply to (e.g. {@code contains} on a number)
 * do not match; with a schema such expressions are refused at parse time instead.
 */
sealed interface Comparison {

  /** Whether a present value matches. */
  boolean test(FilterValue value);

  /**
   * The result for a missing value, go-bexpr's "not present disposition": nothing equals, contains
   * or matches a missing value, and a missing value is empty.
   */
  boolean whenMissing();

  /** {@code ==}. */
  record Equal(Literal value) implements Comparison {
    @Override
    public boolean test(FilterValue selected) {
      return value.equalTo(selected);
    }

    @Override
    public boolean whenMissing() {
      return false;
    }
  }

  /**
   * {@code in} and {@code contains}: an equal element of a list, a key of a map, or a substring of
   * a string.
   */
  record Includes(Literal value) implements Comparison {
    @Override
    public boolean test(FilterValue selected) {
      return switch (selected) {
        case Text text -> text.value().contains(value.text());
        case MapValue map -> map.entries().containsKey(value.text());
        case ListValue list -> anyEqual(list.elements());
        default -> false;
      };
    }

    private boolean anyEqual(List<FilterValue> elements) {
      for (int i = 0; i < elements.size(); i++) {
        if (value.equalTo(elements.get(i))) {
          return true;
        }
      }
      return false;
    }

    @Override
    public boolean whenMissing() {
      return false;
    }
  }

  /**
   * {@code matches}: the pattern is found anywhere in a string (Go's {@code Regexp.Match}); anchor
   * it with {@code ^...$} for a whole-string match.
   *
   * @param expression the whole filter expression and {@code position} of the pattern in it, to
   *     report a pattern that needs too much work on some value
   */
  record Regex(Pattern pattern, String expression, int position) implements Comparison {
    @Override
    public boolean test(FilterValue selected) {
      if (!(selected instanceof Text text)) {
        return false;
      }
      try {
        return pattern.matcher(new BoundedText(text.value())).find();
      } catch (BoundedText.Exhausted e) {
        throw new FilterException(
            expression,
            position,
            "regular expression /"
                + pattern.pattern()
                + "/ needs too many steps on a value; simplify it (avoid nested repetition)");
      }
    }

    @Override
    public boolean whenMissing() {
      return false;
    }
  }

  /** {@code is empty}: an empty string, list or map (or a missing value). */
  record Empty() implements Comparison {
    @Override
    public boolean test(FilterValue selected) {
      return switch (selected) {
        case Text text -> text.value().isEmpty();
        case ListValue list -> list.elements().isEmpty();
        case MapValue map -> map.entries().isEmpty();
        default -> false;
      };
    }

    @Override
    public boolean whenMissing() {
      return true;
    }
  }
}
