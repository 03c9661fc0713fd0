package io.cairn.registry.filter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A value a {@link Selectable} hands to a filter: the JSON-like shapes Consul selectors reach
 * (strings, integers, decimals, booleans, lists, string-keyed maps), plus {@link Missing} for a
 * path that names nothing, such as an absent map key.
 *
 * <p>Every variant is immutable and null-free; collections are copied on construction.
 */
public sealed interface FilterValue
    permits FilterValue.Text,
        FilterValue.Int,
        FilterValue.Real,
        FilterValue.Bool,
        FilterValue.ListValue,
        FilterValue.MapValue,
        FilterValue.Missing {

  /** A string. */
  record Text(String value) implements FilterValue {
    public Text {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A whole number (ports, indexes, weights). */
  record Int(long value) implements FilterValue {}

  /** A decimal number; never NaN, because NaN equals nothing and would make {@code !=} lie. */
  record Real(double value) implements FilterValue {
    public Real {
      if (Double.isNaN(value)) {
        throw new IllegalArgumentException("a filter value cannot be NaN");
      }
    }
  }

  /** A boolean. */
  record Bool(boolean value) implements FilterValue {
    static final Bool TRUE = new Bool(true);
    static final Bool FALSE = new Bool(false);
  }

  /** A list, e.g. {@code Service.Tags} or {@code Checks}. */
  record ListValue(List<FilterValue> elements) implements FilterValue {
    public ListValue {
      elements = List.copyOf(elements);
    }
  }

  /** A map with string keys, e.g. {@code Service.Meta}, or an object's fields. */
  record MapValue(Map<String, FilterValue> entries) implements FilterValue {
    public MapValue {
      entries = Map.copyOf(entries);
    }

    /** The value under {@code key}, or {@link Missing} when the key is absent. */
    public FilterValue get(String key) {
      FilterValue value = entries.get(key);
      return value == null ? Missing.INSTANCE : value;
    }
  }

  /** Nothing at this path: an absent map key or field. */
  enum Missing implements FilterValue {
    INSTANCE
  }

  static Text text(String value) {
    return new Text(value);
  }

  static Int number(long value) {
    return new Int(value);
  }

  static Real number(double value) {
    return new Real(value);
  }

  static Bool bool(boolean value) {
    return value ? Bool.TRUE : Bool.FALSE;
  }

  static ListValue list(List<? extends FilterValue> elements) {
    return new ListValue(List.copyOf(elements));
  }

  /** A list of strings, e.g. tags. */
  static ListValue texts(Collection<String> values) {
    return new ListValue(values.stream().<FilterValue>map(Text::new).toList());
  }

  static MapValue map(Map<String, ? extends FilterValue> entries) {
    return new MapValue(Map.copyOf(entries));
  }

  /** A map of strings, e.g. {@code Meta}. */
  static MapValue textMap(Map<String, String> entries) {
    Map<String, FilterValue> copy = new LinkedHashMap<>();
    entries.forEach((key, value) -> copy.put(key, new Text(value)));
    return new MapValue(copy);
  }

  static Missing missing() {
    return Missing.INSTANCE;
  }

  /**
   * Converts plain Java data (as from a JSON parser) into a value: {@code String}, {@code Boolean},
   * {@code Byte}/{@code Short}/{@code Integer}/{@code Long}, {@code Float}/{@code Double}, {@code
   * List}, {@code Map} with string keys, {@code Optional} (empty is {@link Missing}) and {@code
   * FilterValue} itself, nested to any depth.
   *
   * @throws IllegalArgumentException for null or any other type
   */
  static FilterValue of(Object value) {
    return switch (value) {
      case null -> throw new IllegalArgumentException("a filter value cannot be null");
      case FilterValue v -> v;
      case String s -> new Text(s);
      case Boolean b -> bool(b);
      case Byte n -> new Int(n);
      case Short n -> new Int(n);
      case Integer n -> new Int(n);
      case Long n -> new Int(n);
      case Float n -> new Real(n);
      case Double n -> new Real(n);
      case Optional<?> o -> o.isEmpty() ? Missing.INSTANCE : of(o.get());
      case List<?> l -> {
        List<FilterValue> elements = new ArrayList<>(l.size());
        l.forEach(element -> elements.add(of(element)));
        yield new ListValue(elements);
      }
      case Map<?, ?> m -> {
        Map<String, FilterValue> entries = new LinkedHashMap<>();
        m.forEach(
            (key, element) -> {
              if (!(key instanceof String name)) {
                throw new IllegalArgumentException("filter map keys must be strings: " + key);
              }
              entries.put(name, of(element));
            });
        yield new MapValue(entries);
      }
      default ->
          throw new IllegalArgumentException(
              "cannot filter on a " + value.getClass().getName() + ": " + value);
    };
  }
}
