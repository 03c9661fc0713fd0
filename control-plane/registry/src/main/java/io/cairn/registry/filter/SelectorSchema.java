package io.cairn.registry.filter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The selectors an endpoint accepts, as a type tree. {@link Filter#parse(String, SelectorSchema)}
 * rejects unknown selectors, operators that do not apply to a field (e.g. {@code ==} on a list) and
 * values that do not fit it (e.g. {@code Service.Port == web}), as Consul does when it creates a
 * filter for a known type.
 *
 * <pre>{@code
 * SelectorSchema schema =
 *     object()
 *         .with("Service", object()
 *             .with("Service", text())
 *             .with("Tags", listOf(text()))
 *             .with("Meta", mapOf(text()))
 *             .with("Port", integer()))
 *         .with("Checks", listOf(object().with("Status", text())));
 * }</pre>
 *
 * <p>Operators per type follow go-bexpr: strings take all of them; integers, decimals and booleans
 * take {@code ==} and {@code !=}; lists of scalars take {@code in}/{@code contains} and {@code is
 * empty}; lists of objects take {@code is empty} and give their fields to selectors ({@code
 * Checks.Status} matches when any check does); maps take {@code in} (key present) and {@code is
 * empty}, and any key beneath them; objects take no operator.
 */
public sealed interface SelectorSchema
    permits SelectorSchema.Scalar,
        SelectorSchema.ListOf,
        SelectorSchema.MapOf,
        SelectorSchema.ObjectOf {

  /** A leaf value. */
  enum Scalar implements SelectorSchema {
    TEXT("a string"),
    INTEGER("an integer"),
    DECIMAL("a number"),
    BOOL("a boolean");

    private final String description;

    Scalar(String description) {
      this.description = description;
    }

    /** How error messages name the type, e.g. "an integer". */
    public String description() {
      return description;
    }
  }

  /** A list; of scalars for {@code in}, or of objects whose fields selectors reach through. */
  record ListOf(SelectorSchema element) implements SelectorSchema {
    public ListOf {
      Objects.requireNonNull(element, "element");
    }
  }

  /** A string-keyed map: any key may follow it in a selector. */
  record MapOf(SelectorSchema value) implements SelectorSchema {
    public MapOf {
      Objects.requireNonNull(value, "value");
    }
  }

  /** An object with a fixed set of case-sensitive field names. */
  record ObjectOf(Map<String, SelectorSchema> fields) implements SelectorSchema {
    public ObjectOf {
      fields.keySet().forEach(ObjectOf::requireName);
      fields = Map.copyOf(fields);
    }

    /** This object with one more (or a replaced) field. */
    public ObjectOf with(String name, SelectorSchema type) {
      requireName(name);
      Map<String, SelectorSchema> copy = new LinkedHashMap<>(fields);
      copy.put(name, Objects.requireNonNull(type, "type"));
      return new ObjectOf(copy);
    }

    private static void requireName(String name) {
      if (name.isEmpty()) {
        throw new IllegalArgumentException("a field name cannot be empty");
      }
    }
  }

  static SelectorSchema text() {
    return Scalar.TEXT;
  }

  static SelectorSchema integer() {
    return Scalar.INTEGER;
  }

  static SelectorSchema decimal() {
    return Scalar.DECIMAL;
  }

  static SelectorSchema bool() {
    return Scalar.BOOL;
  }

  static ListOf listOf(SelectorSchema element) {
    return new ListOf(element);
  }

  static MapOf mapOf(SelectorSchema value) {
    return new MapOf(value);
  }

  /** An object with no fields yet; add them with {@link ObjectOf#with}. */
  static ObjectOf object() {
    return new ObjectOf(Map.of());
  }

  static ObjectOf object(Map<String, ? extends SelectorSchema> fields) {
    return new ObjectOf(Map.copyOf(fields));
  }
}
