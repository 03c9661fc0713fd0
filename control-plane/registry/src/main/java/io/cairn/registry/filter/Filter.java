package io.cairn.registry.filter;

import java.util.List;
import java.util.Objects;

/**
 * A parsed Consul filter expression, e.g. {@code Service.Meta.version == v2 and "canary" in
 * Service.Tags}, with the syntax and semantics of go-bexpr as Consul uses it.
 *
 * <p>Parse once, then call {@link #matches} per row: a filter is immutable and thread-safe, its
 * regular expressions are compiled at parse time, and matching allocates almost nothing. An empty
 * {@code ?filter=} means no filter: use {@link #ALL} rather than parsing, which rejects blank
 * expressions.
 *
 * <p>Names and keywords are case-sensitive ({@code and}, not {@code AND}; {@code Service.Port}, not
 * {@code service.port}). Comparisons read the written value as the selected field's type, so {@code
 * Service.Port == 8080} and {@code Service.Port == "8080"} are the same. A missing map key equals
 * nothing, contains nothing, matches nothing and is empty. Selectors that reach through a list
 * ({@code Checks.Status == passing}) hold when they hold for any element.
 */
public final class Filter {
  /** Matches every row. */
  public static final Filter ALL = new Filter("", new Expression.AllOf(List.of()));

  private final String expression;
  private final Expression root;

  private Filter(String expression, Expression root) {
    this.expression = expression;
    this.root = root;
  }

  /**
   * Parses {@code expression} accepting any selector; selectors that name nothing in a row are
   * missing values there.
   *
   * @throws FilterException if the expression is empty or malformed, or a regular expression in it
   *     is invalid
   */
  public static Filter parse(String expression) {
    Objects.requireNonNull(expression, "expression");
    return new Filter(expression, FilterParser.parse(expression, SchemaCheck.NONE));
  }

  /**
   * Parses {@code expression} and checks it against {@code schema}, as Consul does for an
   * endpoint's row type: unknown selectors, operators that do not apply to a field and values that
   * do not fit it are errors here rather than silent non-matches later.
   *
   * @param schema an {@link SelectorSchema.ObjectOf} or {@link SelectorSchema.MapOf} describing a
   *     row
   * @throws FilterException if the expression is malformed or does not fit the schema
   */
  public static Filter parse(String expression, SelectorSchema schema) {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(schema, "schema");
    return new Filter(expression, FilterParser.parse(expression, SchemaCheck.of(schema)));
  }

  /**
   * Whether {@code row} satisfies this filter.
   *
   * @throws FilterException only if a {@code matches} pattern needs far too many steps on some
   *     value (a pattern such as {@code (a+)+$}), which would otherwise tie up the thread
   */
  public boolean matches(Selectable row) {
    Objects.requireNonNull(row, "row");
    return root.matches(row);
  }

  /** The expression as given; empty for {@link #ALL}. */
  public String expression() {
    return expression;
  }

  @Override
  public String toString() {
    return expression.isEmpty() ? "Filter.ALL" : "Filter[" + expression + "]";
  }
}
