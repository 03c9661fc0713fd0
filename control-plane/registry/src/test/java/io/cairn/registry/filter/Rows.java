package io.cairn.registry.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Test rows built from nested Java maps and lists, and helpers to run filters over them. */
final class Rows {
  private Rows() {}

  /** A row as a value tree, resolved with {@link Selectable#of}. */
  static Selectable row(Map<String, ?> fields) {
    return Selectable.of(FilterValue.of(fields));
  }

  /** Names of the rows {@code expression} matches, sorted, parsed without a schema. */
  static List<String> matching(String expression, Map<String, Selectable> rows) {
    return matching(Filter.parse(expression), rows);
  }

  static List<String> matching(Filter filter, Map<String, Selectable> rows) {
    return new TreeMap<>(rows)
        .entrySet().stream()
            .filter(entry -> filter.matches(entry.getValue()))
            .map(Map.Entry::getKey)
            .collect(Collectors.toList());
  }

  /** A row that records every path it is asked for. */
  static final class Recording implements Selectable {
    private final Selectable delegate;
    final List<List<String>> asked = new ArrayList<>();

    Recording(Selectable delegate) {
      this.delegate = delegate;
    }

    @Override
    public FilterValue select(List<String> path) {
      asked.add(path);
      return delegate.select(path);
    }
  }

  /**
   * The parsed tree as an S-expression, e.g. {@code (or (== Service/Port 8080) (not-empty Tags))};
   * selector names are joined with '/' so the split into names is visible.
   */
  static String render(Expression expression) {
    return switch (expression) {
      case Expression.AnyOf any -> "(or " + renderAll(any.terms()) + ")";
      case Expression.AllOf all -> "(and " + renderAll(all.terms()) + ")";
      case Expression.Not not -> "(not " + render(not.operand()) + ")";
      case Expression.Match match -> {
        String selector = String.join("/", match.selector().path());
        String prefix = match.negated() ? "not-" : "";
        yield switch (match.comparison()) {
          case Comparison.Equal equal ->
              "(" + (match.negated() ? "!=" : "==") + " " + selector + " " + equal.value() + ")";
          case Comparison.Includes includes ->
              "(" + prefix + "in " + selector + " " + includes.value() + ")";
          case Comparison.Regex regex ->
              "(" + prefix + "matches " + selector + " " + regex.pattern().pattern() + ")";
          case Comparison.Empty empty -> "(" + prefix + "empty " + selector + ")";
        };
      }
    };
  }

  private static String renderAll(List<Expression> terms) {
    return terms.stream().map(Rows::render).collect(Collectors.joining(" "));
  }
}
