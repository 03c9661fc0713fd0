package io.cairn.registry.filter;

import io.cairn.registry.filter.FilterValue.ListValue;
import io.cairn.registry.filter.FilterValue.MapValue;
import io.cairn.registry.filter.FilterValue.Missing;
import java.util.List;

/**
 * The parsed form of a filter. {@code and}/{@code or} chains are flat lists rather than nested
 * pairs, so a long chain costs no recursion depth when evaluated.
 */
sealed interface Expression {

  boolean matches(Selectable row);

  /** {@code or}: true when any term is. */
  record AnyOf(List<Expression> terms) implements Expression {
    public AnyOf {
      terms = List.copyOf(terms);
    }

    @Override
    public boolean matches(Selectable row) {
      for (int i = 0; i < terms.size(); i++) {
        if (terms.get(i).matches(row)) {
          return true;
        }
      }
      return false;
    }
  }

  /** {@code and}: true when every term is (so an empty list matches everything). */
  record AllOf(List<Expression> terms) implements Expression {
    public AllOf {
      terms = List.copyOf(terms);
    }

    @Override
    public boolean matches(Selectable row) {
      for (int i = 0; i < terms.size(); i++) {
        if (!terms.get(i).matches(row)) {
          return false;
        }
      }
      return true;
    }
  }

  /** {@code not}. */
  record Not(Expression operand) implements Expression {
    @Override
    public boolean matches(Selectable row) {
      return !operand.matches(row);
    }
  }

  /**
   * One selector compared with one operator. When the selector reaches through a list (e.g. {@code
   * Checks.Status}), the comparison (negation included) is made per element and the match holds if
   * it holds for any element, as in the go-bexpr version Consul uses: {@code Checks.Status !=
   * passing} means "some check is not passing", and a row with no checks matches neither it nor
   * {@code Checks.Status == passing}.
   */
  record Match(Selector selector, Comparison comparison, boolean negated) implements Expression {
    @Override
    public boolean matches(Selectable row) {
      FilterValue value = row.select(selector.path());
      if (!(value instanceof Missing)) {
        return result(value);
      }
      int listDepth = selector.listDepth();
      if (listDepth > 0) {
        return within(row.select(selector.prefix(listDepth)), listDepth);
      }
      if (listDepth == Selector.UNKNOWN) {
        // No schema says where lists are: find the deepest prefix that has a value and go on
        // from there. Costs extra lookups only for values that are missing.
        for (int length = selector.size() - 1; length > 0; length--) {
          FilterValue found = row.select(selector.prefix(length));
          if (!(found instanceof Missing)) {
            return within(found, length);
          }
        }
      }
      return result(Missing.INSTANCE);
    }

    /** Applies the path from name {@code depth} on to {@code value}, fanning out over lists. */
    private boolean within(FilterValue value, int depth) {
      if (depth == selector.size()) {
        return result(value);
      }
      return switch (value) {
        case MapValue map -> within(map.get(selector.path().get(depth)), depth + 1);
        case ListValue list -> {
          List<FilterValue> elements = list.elements();
          for (int i = 0; i < elements.size(); i++) {
            if (within(elements.get(i), depth)) {
              yield true;
            }
          }
          yield false;
        }
        default -> result(Missing.INSTANCE);
      };
    }

    private boolean result(FilterValue value) {
      boolean positive =
          value instanceof Missing ? comparison.whenMissing() : comparison.test(value);
      return positive != negated;
    }
  }
}
