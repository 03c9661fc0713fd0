package io.cairn.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks JSON against a schema of the OpenAPI document: types, enums, consts, required fields, and
 * fields the schema does not document. Only the parts of JSON Schema the document uses ({@code
 * $ref}, {@code allOf}, {@code oneOf}, {@code properties}, {@code additionalProperties}, {@code
 * items}); not a general validator.
 */
final class SchemaCheck {
  /** A response must have every required field; a request example need not. */
  enum Mode {
    RESPONSE,
    REQUEST
  }

  private final OpenApiDocument doc;
  private final Mode mode;

  SchemaCheck(OpenApiDocument doc, Mode mode) {
    this.doc = doc;
    this.mode = mode;
  }

  /** Every mismatch, each as {@code path: problem}; empty when {@code value} fits. */
  List<String> problems(JsonNode value, JsonNode schema) {
    List<String> out = new ArrayList<>();
    check("$", value, schema, out);
    return out;
  }

  private void check(String at, JsonNode value, JsonNode schemaOrRef, List<String> out) {
    JsonNode schema = doc.resolve(schemaOrRef);
    if (schema.has("oneOf") || schema.has("anyOf")) {
      List<String> best = null;
      for (JsonNode alternative : schema.has("oneOf") ? schema.get("oneOf") : schema.get("anyOf")) {
        List<String> p = new ArrayList<>();
        check(at, value, alternative, p);
        if (best == null || p.size() < best.size()) {
          best = p;
        }
      }
      out.addAll(best);
      return;
    }
    if (schema.has("allOf")) {
      schema = merged(schema.get("allOf"));
    }
    if (schema.has("const") && !schema.get("const").equals(value)) {
      out.add(at + ": must be " + schema.get("const") + ", was " + value);
      return;
    }
    if (schema.has("enum") && !contains(schema.get("enum"), value)) {
      out.add(at + ": " + value + " is not one of " + schema.get("enum"));
    }
    String type = schema.path("type").asText(schema.has("properties") ? "object" : "");
    switch (type) {
      case "object" -> object(at, value, schema, out);
      case "array" -> {
        if (!value.isArray()) {
          out.add(at + ": must be an array, was " + value.getNodeType());
        } else if (schema.has("items")) {
          for (int i = 0; i < value.size(); i++) {
            check(at + "[" + i + "]", value.get(i), schema.get("items"), out);
          }
        }
      }
      case "string" -> expect(value.isTextual(), at, "a string", value, out);
      case "integer" -> expect(value.isIntegralNumber(), at, "an integer", value, out);
      case "number" -> expect(value.isNumber(), at, "a number", value, out);
      case "boolean" -> expect(value.isBoolean(), at, "a boolean", value, out);
      case "" -> {
        // No type: anything (a const or enum was checked above).
      }
      default -> out.add(at + ": the schema has a type this check does not know: " + type);
    }
  }

  private static boolean contains(JsonNode values, JsonNode value) {
    for (JsonNode v : values) {
      if (v.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static void expect(
      boolean ok, String at, String expected, JsonNode value, List<String> out) {
    if (!ok) {
      out.add(at + ": must be " + expected + ", was " + value);
    }
  }

  private void object(String at, JsonNode value, JsonNode schema, List<String> out) {
    if (!value.isObject()) {
      out.add(at + ": must be an object, was " + value.getNodeType());
      return;
    }
    if (mode == Mode.RESPONSE) {
      for (JsonNode required : schema.path("required")) {
        if (!value.has(required.asText())) {
          out.add(at + ": misses required field " + required.asText());
        }
      }
    }
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    boolean freeForm = !schema.has("properties") && !schema.has("additionalProperties");
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String path = at + "." + field.getKey();
      if (properties.has(field.getKey())) {
        check(path, field.getValue(), properties.get(field.getKey()), out);
      } else if (additional.isObject()) {
        check(path, field.getValue(), additional, out);
      } else if (!freeForm && !additional.asBoolean(false)) {
        out.add(path + ": is not documented");
      }
    }
  }

  /** The members of an {@code allOf} as one object schema. */
  private JsonNode merged(JsonNode members) {
    Map<String, JsonNode> properties = new LinkedHashMap<>();
    Set<String> required = new LinkedHashSet<>();
    for (JsonNode m : members) {
      JsonNode s = doc.resolve(m);
      s.path("properties").properties().forEach(e -> properties.put(e.getKey(), e.getValue()));
      s.path("required").forEach(r -> required.add(r.asText()));
    }
    var json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    var out = json.objectNode().put("type", "object");
    out.putObject("properties").setAll(properties);
    required.forEach(out.putArray("required")::add);
    return out;
  }
}
