package io.cairn.admin.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.cairn.registry.validation.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One JSON object of a request body, read leniently about names and strictly about types. A field
 * named {@code ServiceSubset} is found as {@code serviceSubset}, {@code service_subset} or {@code
 * SERVICESUBSET}. A value of the wrong type is recorded as a problem under {@code path.Field} and
 * read as absent, so all problems of a request are reported together.
 */
public final class JsonFields {
  private final String path;
  // By normalized name; each field remembers whether it was read, for rejectUnknown.
  private final Map<String, Field> byKey;
  private static final Map<String, String> NORMALIZED =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Problems problems;

  /** A field as the client wrote it, and whether Cairn asked for it. */
  private static final class Field {
    final String name;
    final JsonNode value;
    boolean read;

    Field(String name, JsonNode value) {
      this.name = name;
      this.value = value;
    }
  }

  private JsonFields(String path, JsonNode object, Problems problems) {
    this.path = path;
    this.problems = problems;
    this.byKey = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      byKey.put(normalized(e.getKey()), new Field(e.getKey(), e.getValue()));
    }
  }

  /** The object {@code node}, or an empty one (with a problem) if it is not an object. */
  public static JsonFields of(String path, JsonNode node, Problems problems) {
    if (node == null || !node.isObject()) {
      problems.add(path, "must be a JSON object, was " + describe(node));
      return new JsonFields(
          path,
          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
          problems);
    }
    return new JsonFields(path, node, problems);
  }

  /** Consul's key matching: case-insensitive, and snake_case equals CamelCase. */
  public static String normalize(String key) {
    return key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
  }

  private static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "missing";
    }
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  public Problems problems() {
    return problems;
  }

  /** Path of this object in the request ({@code ""} for the body itself). */
  public String path() {
    return path;
  }

  /** Path of a field of this object, for problems. */
  public String pathOf(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /**
   * {@link #normalize}, cached: the names Cairn asks for are a handful of constants, and clients
   * send the same few names (at most 4,096 names are kept).
   */
  private static String normalized(String field) {
    String n = NORMALIZED.get(field);
    if (n == null) {
      n = normalize(field);
      if (NORMALIZED.size() < 4096) {
        NORMALIZED.put(field, n);
      }
    }
    return n;
  }

  private Optional<JsonNode> node(String field) {
    Field f = byKey.get(normalized(field));
    if (f == null) {
      return Optional.empty();
    }
    f.read = true;
    return f.value.isNull() ? Optional.empty() : Optional.of(f.value);
  }

  /** The field names of this object as the client wrote them. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    byKey
        .values()
        .forEach(
            f -> {
              names.add(f.name);
              f.read = true;
            });
    java.util.Collections.sort(names);
    return names;
  }

  public boolean has(String field) {
    return node(field).isPresent();
  }

  public Optional<String> string(String field) {
    return node(field)
        .flatMap(
            n -> {
              if (n.isTextual()) {
                return Optional.of(n.asText());
              }
              if (n.isNumber() || n.isBoolean()) {
                return Optional.of(n.asText());
              }
              wrongType(field, "a string", n);
              return Optional.empty();
            });
  }

  public String string(String field, String fallback) {
    return string(field).orElse(fallback);
  }

  public OptionalInt integer(String field) {
    Optional<JsonNode> n = node(field);
    if (n.isEmpty()) {
      return OptionalInt.empty();
    }
    JsonNode v = n.get();
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return OptionalInt.of(v.asInt());
    }
    if (v.isTextual()) {
      try {
        return OptionalInt.of(Integer.parseInt(v.asText().strip()));
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    wrongType(field, "an integer", v);
    return OptionalInt.empty();
  }

  public int integer(String field, int fallback) {
    return integer(field).orElse(fallback);
  }

  public Optional<Double> number(String field) {
    return node(field)
        .flatMap(
            v -> {
              if (v.isNumber()) {
                return Optional.of(v.asDouble());
              }
              wrongType(field, "a number", v);
              return Optional.empty();
            });
  }

  public Optional<Boolean> bool(String field) {
    return node(field)
        .flatMap(
            v -> {
              if (v.isBoolean()) {
                return Optional.of(v.asBoolean());
              }
              if (v.isTextual() && Set.of("true", "false").contains(v.asText())) {
                return Optional.of(Boolean.parseBoolean(v.asText()));
              }
              wrongType(field, "true or false", v);
              return Optional.empty();
            });
  }

  public boolean bool(String field, boolean fallback) {
    return bool(field).orElse(fallback);
  }

  /** A Go duration string ({@code "10s"}) or a number of nanoseconds, as Consul accepts. */
  public Optional<Duration> duration(String field) {
    return node(field)
        .flatMap(
            v -> {
              if (v.isIntegralNumber()) {
                return Optional.of(Duration.ofNanos(v.asLong()));
              }
              if (v.isTextual()) {
                if (v.asText().isEmpty()) {
                  return Optional.empty();
                }
                try {
                  return Optional.of(GoDuration.parse(v.asText()));
                } catch (IllegalArgumentException e) {
                  problems.add(pathOf(field), e.getMessage());
                  return Optional.empty();
                }
              }
              wrongType(field, "a duration such as \"10s\"", v);
              return Optional.empty();
            });
  }

  public List<String> strings(String field) {
    Optional<JsonNode> n = node(field);
    if (n.isEmpty()) {
      return List.of();
    }
    if (!n.get().isArray()) {
      wrongType(field, "an array of strings", n.get());
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.get().size(); i++) {
      JsonNode item = n.get().get(i);
      if (item.isTextual()) {
        out.add(item.asText());
      } else {
        problems.add(pathOf(field) + "[" + i + "]", "must be a string, was " + describe(item));
      }
    }
    return out;
  }

  public List<Integer> integers(String field) {
    Optional<JsonNode> n = node(field);
    if (n.isEmpty()) {
      return List.of();
    }
    if (!n.get().isArray()) {
      wrongType(field, "an array of integers", n.get());
      return List.of();
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n.get().size(); i++) {
      JsonNode item = n.get().get(i);
      if (item.isIntegralNumber() && item.canConvertToInt()) {
        out.add(item.asInt());
      } else {
        problems.add(pathOf(field) + "[" + i + "]", "must be an integer, was " + describe(item));
      }
    }
    return out;
  }

  /** A JSON object of string values (Meta), in input order. */
  public Map<String, String> stringMap(String field) {
    Optional<JsonNode> n = node(field);
    if (n.isEmpty()) {
      return Map.of();
    }
    if (!n.get().isObject()) {
      wrongType(field, "an object of strings", n.get());
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    n.get()
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().asText());
              } else {
                problems.add(pathOf(field) + "." + e.getKey(), "must be a string");
              }
            });
    return out;
  }

  /** A nested object, if present. */
  public Optional<JsonFields> object(String field) {
    return node(field)
        .flatMap(
            v -> {
              if (v.isObject()) {
                return Optional.of(new JsonFields(pathOf(field), v, problems));
              }
              wrongType(field, "an object", v);
              return Optional.empty();
            });
  }

  /** A nested array of objects; non-objects are reported and skipped. */
  public List<JsonFields> objects(String field) {
    Optional<JsonNode> n = node(field);
    if (n.isEmpty()) {
      return List.of();
    }
    if (!n.get().isArray()) {
      wrongType(field, "an array of objects", n.get());
      return List.of();
    }
    List<JsonFields> out = new ArrayList<>();
    for (int i = 0; i < n.get().size(); i++) {
      JsonNode item = n.get().get(i);
      String at = pathOf(field) + "[" + i + "]";
      if (item.isObject()) {
        out.add(new JsonFields(at, item, problems));
      } else {
        problems.add(at, "must be an object, was " + describe(item));
      }
    }
    return out;
  }

  /** A nested object of objects keyed by name (e.g. resolver Subsets), in input order. */
  public Map<String, JsonFields> objectMap(String field) {
    Optional<JsonNode> n = node(field);
    if (n.isEmpty()) {
      return Map.of();
    }
    if (!n.get().isObject()) {
      wrongType(field, "an object", n.get());
      return Map.of();
    }
    Map<String, JsonFields> out = new LinkedHashMap<>();
    n.get()
        .fields()
        .forEachRemaining(
            e -> {
              String at = pathOf(field) + "." + e.getKey();
              if (e.getValue().isObject()) {
                out.put(e.getKey(), new JsonFields(at, e.getValue(), problems));
              } else {
                problems.add(at, "must be an object, was " + describe(e.getValue()));
              }
            });
    return out;
  }

  /**
   * Consul Enterprise's {@code Namespace} and {@code Partition}: only {@code default} exists in
   * Cairn, so any other value is refused, never read as the default one.
   */
  public void defaultTenancy() {
    defaultOnly("Namespace", "Partition");
  }

  /** Fields naming a Consul Enterprise namespace or partition (see {@link #defaultTenancy}). */
  public void defaultOnly(String... fields) {
    for (String field : fields) {
      string(field)
          .filter(v -> !v.isEmpty() && !v.equals("default"))
          .ifPresent(
              v -> problems.add(pathOf(field), "only 'default' exists in Cairn, was '" + v + "'"));
    }
  }

  /**
   * Records a problem for every field not read so far and not in {@code ignored} that carries a
   * value. Empty values ({@code null}, {@code ""}, {@code false}, {@code 0}, {@code {}}, {@code
   * []}) pass, since clients often send every field with its zero value.
   */
  public void rejectUnknown(Set<String> ignored) {
    Set<String> skip = new HashSet<>();
    ignored.forEach(i -> skip.add(normalized(i)));
    byKey.forEach(
        (key, field) -> {
          if (!field.read && !skip.contains(key) && !isEmptyValue(field.value)) {
            problems.add(pathOf(field.name), "is not supported by Cairn");
          }
        });
  }

  private static boolean isEmptyValue(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return true;
    }
    if (n.isTextual()) {
      return n.asText().isEmpty();
    }
    if (n.isBoolean()) {
      return !n.asBoolean();
    }
    if (n.isNumber()) {
      return n.asDouble() == 0;
    }
    if (n.isContainerNode()) {
      for (JsonNode child : n) {
        if (!isEmptyValue(child)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private void wrongType(String field, String expected, JsonNode actual) {
    String found =
        actual.getNodeType() == JsonNodeType.STRING
            ? "\"" + actual.asText() + "\""
            : describe(actual);
    problems.add(pathOf(field), "must be " + expected + ", was " + found);
  }
}
