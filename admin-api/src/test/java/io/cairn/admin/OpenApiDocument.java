package io.cairn.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** {@code docs/openapi.yaml} read as a tree: its operations, their examples, and {@code $ref}s. */
final class OpenApiDocument {
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  private final JsonNode root;

  private OpenApiDocument(JsonNode root) {
    this.root = root;
  }

  /** The document of this checkout, found from the working directory upwards. */
  static OpenApiDocument load() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("docs/openapi.yaml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "docs/openapi.yaml not found above " + Path.of("").toAbsolutePath());
    }
    try {
      return new OpenApiDocument(
          new ObjectMapper(new YAMLFactory()).readTree(dir.resolve("docs/openapi.yaml").toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One method on one path. */
  record Operation(String method, String path, JsonNode node, OpenApiDocument doc) {
    /** The path and method as a route: parameter names do not matter ({@code /a/{}}). */
    String route() {
      return method + " " + path.replaceAll("\\{[^}]*}", "{}");
    }

    List<JsonNode> parameters() {
      List<JsonNode> out = new ArrayList<>();
      node.path("parameters").forEach(p -> out.add(doc.resolve(p)));
      return out;
    }

    /** What {@code x-cairn-acl} says the operation needs; empty when it says nothing. */
    Optional<String> acl() {
      JsonNode acl = node.path("x-cairn-acl");
      return acl.isTextual() ? Optional.of(acl.asText()) : Optional.empty();
    }

    boolean hasParameter(String name) {
      return parameters().stream().anyMatch(p -> p.path("name").asText().equals(name));
    }

    /** The path with its parameters' examples, and every required query parameter's example. */
    String examplePath() {
      String p = path;
      StringBuilder query = new StringBuilder();
      for (JsonNode param : parameters()) {
        String name = param.path("name").asText();
        JsonNode example = param.path("example");
        if (param.path("in").asText().equals("path")) {
          p = p.replace("{" + name + "}", encode(example.asText()));
        } else if (param.path("required").asBoolean()) {
          List<JsonNode> values = new ArrayList<>();
          if (example.isArray()) {
            example.forEach(values::add);
          } else {
            values.add(example);
          }
          for (JsonNode v : values) {
            query.append(query.isEmpty() ? "?" : "&").append(name).append('=');
            query.append(encode(v.asText()));
          }
        }
      }
      return p + query;
    }

    /** The request body's example as JSON, if the operation takes a body. */
    Optional<String> exampleBody() {
      JsonNode body = doc.resolve(node.path("requestBody"));
      JsonNode example = body.path("content").path("application/json").path("example");
      return example.isMissingNode() ? Optional.empty() : Optional.of(example.toString());
    }

    Optional<JsonNode> requestSchema() {
      JsonNode body = doc.resolve(node.path("requestBody"));
      JsonNode schema = body.path("content").path("application/json").path("schema");
      return schema.isMissingNode() ? Optional.empty() : Optional.of(schema);
    }

    /** The status a call with the examples should get: the first documented 2xx or 3xx. */
    int success() {
      for (var it = node.path("responses").fieldNames(); it.hasNext(); ) {
        String code = it.next();
        if (code.matches("[23]\\d\\d")) {
          return Integer.parseInt(code);
        }
      }
      throw new IllegalStateException(this + " documents no success response");
    }

    /** The documented response for a status, resolved. */
    Optional<JsonNode> response(int status) {
      JsonNode r = node.path("responses").path(Integer.toString(status));
      return r.isMissingNode() ? Optional.empty() : Optional.of(doc.resolve(r));
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":");
  }

  List<Operation> operations() {
    List<Operation> out = new ArrayList<>();
    root.path("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        m -> {
                          if (METHODS.contains(m.getKey())) {
                            out.add(
                                new Operation(
                                    m.getKey().toUpperCase(Locale.ROOT),
                                    path.getKey(),
                                    m.getValue(),
                                    this));
                          }
                        }));
    return out;
  }

  /** {@code node}, or what its {@code $ref} (and the target's) points to. */
  JsonNode resolve(JsonNode node) {
    JsonNode n = node;
    for (int hops = 0; n.has("$ref"); hops++) {
      String ref = n.get("$ref").asText();
      if (!ref.startsWith("#/") || hops > 16) {
        throw new IllegalStateException("cannot follow $ref " + ref);
      }
      n = root.at(ref.substring(1).replace("~1", "/"));
      if (n.isMissingNode()) {
        throw new IllegalStateException("$ref " + ref + " points to nothing");
      }
    }
    return n;
  }
}
