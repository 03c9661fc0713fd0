package io.cairn.registry.filter;

import io.cairn.registry.filter.Operator.Family;
import io.cairn.registry.filter.SelectorSchema.ListOf;
import io.cairn.registry.filter.SelectorSchema.MapOf;
import io.cairn.registry.filter.SelectorSchema.ObjectOf;
import io.cairn.registry.filter.SelectorSchema.Scalar;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Checks each match of an expression against a {@link SelectorSchema}, the way go-bexpr validates
 * an expression against Consul's field configurations when a filter is created: the selector must
 * exist, the operator must apply to the field's type and the value must read as that type.
 */
final class SchemaCheck {
  static final SchemaCheck NONE = new SchemaCheck(Optional.empty());

  private final Optional<SelectorSchema> root;

  private SchemaCheck(Optional<SelectorSchema> root) {
    this.root = root;
  }

  static SchemaCheck of(SelectorSchema root) {
    if (!(root instanceof ObjectOf || root instanceof MapOf)) {
      throw new IllegalArgumentException("a filter schema must be an object or a map: " + root);
    }
    return new SchemaCheck(Optional.of(root));
  }

  /**
   * Validates one match and returns the selector's list depth (see {@link Selector#listDepth}).
   *
   * @param value the compared value, empty for {@code is empty}
   */
  int check(
      String source,
      MatchParser.Path path,
      Operator operator,
      int operatorPosition,
      Optional<Literal> value,
      int valuePosition) {
    if (root.isEmpty()) {
      return Selector.UNKNOWN;
    }
    List<String> names = path.names();
    SelectorSchema node = root.get();
    int listDepth = Selector.NO_LIST;
    for (int i = 0; i < names.size(); i++) {
      // Names after a list of objects apply to each element, as go-bexpr does for slices.
      while (node instanceof ListOf list && !(list.element() instanceof Scalar)) {
        listDepth = listDepth == Selector.NO_LIST ? i : listDepth;
        node = list.element();
      }
      String name = names.get(i);
      String parent = String.join(".", names.subList(0, i));
      int position = path.positions().get(i);
      node =
          switch (node) {
            case ObjectOf object -> {
              SelectorSchema field = object.fields().get(name);
              if (field == null) {
                throw new FilterException(source, position, unknown(path, parent, name, object));
              }
              yield field;
            }
            case MapOf map -> map.value();
            case ListOf list ->
                throw new FilterException(
                    source, position, parent + " is " + describe(list) + " and has no fields");
            case Scalar scalar ->
                throw new FilterException(
                    source,
                    position,
                    parent + " is " + scalar.description() + " and has no fields");
          };
    }
    Optional<Misfit> misfit = misfit(node, operator, value, path.text());
    if (misfit.isPresent()) {
      int at = misfit.get().atValue() ? valuePosition : operatorPosition;
      throw new FilterException(source, at, misfit.get().reason());
    }
    return listDepth;
  }

  /** Why an operator or value does not fit a field, and whether to point at the value. */
  private record Misfit(String reason, boolean atValue) {}

  private static Optional<Misfit> misfit(
      SelectorSchema node, Operator operator, Optional<Literal> value, String selector) {
    Family family = operator.family();
    String type = describe(node);
    String orSelectAField = ", or select a field of its elements";
    return switch (node) {
      case Scalar scalar when scalar == Scalar.TEXT -> Optional.empty();
      case Scalar scalar when family == Family.EQUALITY -> misread(value, scalar, selector, type);
      case Scalar scalar -> wrongOperator(operator, selector, type, "== or !=");
      case ListOf(Scalar element) when family == Family.INCLUSION ->
          misread(value, element, selector, type);
      case ListOf list when family == Family.EMPTINESS -> Optional.empty();
      case ListOf(Scalar element) ->
          wrongOperator(
              operator,
              selector,
              type,
              "in, not in, contains, not contains, is empty or is not empty");
      case ListOf list ->
          wrongOperator(operator, selector, type, "is empty or is not empty" + orSelectAField);
      case MapOf map when family == Family.INCLUSION || family == Family.EMPTINESS ->
          Optional.empty();
      case MapOf map ->
          wrongOperator(
              operator, selector, type, "in or not in (a key), is empty, is not empty or a key");
      case ObjectOf object ->
          Optional.of(
              new Misfit(
                  selector + " is an object; select one of its fields: " + fieldList(object),
                  false));
    };
  }

  private static Optional<Misfit> misread(
      Optional<Literal> value, Scalar type, String selector, String fieldType) {
    return value
        .filter(literal -> !literal.fits(type))
        .map(
            literal ->
                new Misfit(
                    "'"
                        + literal.text()
                        + "' is not "
                        + type.description()
                        + ", as "
                        + selector
                        + " is "
                        + fieldType,
                    true));
  }

  private static Optional<Misfit> wrongOperator(
      Operator operator, String selector, String type, String instead) {
    return Optional.of(
        new Misfit(
            "operator '"
                + operator.spelling()
                + "' does not apply to "
                + selector
                + ", "
                + type
                + "; use "
                + instead,
            false));
  }

  private static String fieldList(ObjectOf object) {
    return String.join(", ", new TreeSet<>(object.fields().keySet()));
  }

  private static String unknown(
      MatchParser.Path path, String parent, String name, ObjectOf object) {
    String hint =
        object.fields().keySet().stream()
            .filter(field -> field.equalsIgnoreCase(name))
            .findFirst()
            .map(field -> " (names are case-sensitive: did you mean '" + field + "'?)")
            .orElse("");
    String where = parent.isEmpty() ? "selectors start with " : parent + " has fields ";
    return "unknown selector '" + path.text() + "'" + hint + "; " + where + fieldList(object);
  }

  static String describe(SelectorSchema type) {
    return switch (type) {
      case Scalar scalar -> scalar.description();
      case ListOf(Scalar element) -> "a list of " + plural(element);
      case ListOf(MapOf map) -> "a list of maps";
      case ListOf(ListOf inner) -> "a list of lists";
      case ListOf list -> "a list of objects";
      case MapOf map -> "a map";
      case ObjectOf object -> "an object";
    };
  }

  private static String plural(Scalar scalar) {
    return switch (scalar) {
      case TEXT -> "strings";
      case INTEGER -> "integers";
      case DECIMAL -> "numbers";
      case BOOL -> "booleans";
    };
  }
}
