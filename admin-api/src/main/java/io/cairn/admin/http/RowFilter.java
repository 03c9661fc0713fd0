package io.cairn.admin.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.consul.ConsulJson.AgentServiceJson;
import io.cairn.admin.consul.ConsulJson.CatalogServiceJson;
import io.cairn.admin.consul.ConsulJson.CheckJson;
import io.cairn.admin.consul.ConsulJson.HealthEntryJson;
import io.cairn.registry.filter.Filter;
import io.cairn.registry.filter.FilterException;
import io.cairn.registry.filter.FilterValue;
import io.cairn.registry.filter.Selectable;
import io.cairn.registry.filter.SelectorSchema;
import io.helidon.webserver.http.ServerRequest;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Consul's {@code ?filter=} on the rows an endpoint returns. Selectors name the JSON fields of the
 * response ({@code Service.Meta.version}, {@code ServiceTags}), which is how Consul's filters read
 * too; the allowed selectors are derived from the response types, so a misspelt field is a 400, not
 * a silently empty answer.
 */
@FunctionalInterface
public interface RowFilter {
  RowFilter ALL = row -> true;

  boolean matches(Object row);

  /** {@code /v1/health/service} rows; empty when the request has no filter. */
  static Optional<RowFilter> healthEntries(ServerRequest req) {
    return parse(req, Schemas.HEALTH_ENTRY);
  }

  static RowFilter catalogServices(ServerRequest req) {
    return parse(req, Schemas.CATALOG_SERVICE).orElse(ALL);
  }

  /** Catalog rows; empty when the request has no filter, so callers need not build rows. */
  static Optional<RowFilter> catalogRows(ServerRequest req) {
    return parse(req, Schemas.CATALOG_SERVICE);
  }

  static RowFilter checks(ServerRequest req) {
    return parse(req, Schemas.CHECK).orElse(ALL);
  }

  static RowFilter agentServices(ServerRequest req) {
    return parse(req, Schemas.AGENT_SERVICE).orElse(ALL);
  }

  static RowFilter intentions(ServerRequest req) {
    return parse(req, Schemas.INTENTION).orElse(ALL);
  }

  private static Optional<RowFilter> parse(ServerRequest req, SelectorSchema schema) {
    Optional<String> expression = QueryParams.string(req, "filter").filter(f -> !f.isBlank());
    if (expression.isEmpty()) {
      return Optional.empty();
    }
    Filter filter;
    try {
      filter = Filter.parse(expression.get(), schema);
    } catch (FilterException e) {
      throw new ApiException(400, "invalid filter: " + e.getMessage(), List.of(e.getMessage()));
    }
    return Optional.of(
        row -> filter.matches(Selectable.of(Schemas.value(Json.MAPPER.valueToTree(row)))));
  }

  /** Selector schemas of the response rows, derived from their record types. */
  final class Schemas {
    static final SelectorSchema HEALTH_ENTRY = of(HealthEntryJson.class);
    static final SelectorSchema CATALOG_SERVICE = of(CatalogServiceJson.class);
    static final SelectorSchema CHECK = of(CheckJson.class);
    static final SelectorSchema AGENT_SERVICE = of(AgentServiceJson.class);
    static final SelectorSchema INTENTION =
        SelectorSchema.object()
            .with("ID", SelectorSchema.text())
            .with("Description", SelectorSchema.text())
            .with("SourceNS", SelectorSchema.text())
            .with("SourceName", SelectorSchema.text())
            .with("DestinationNS", SelectorSchema.text())
            .with("DestinationName", SelectorSchema.text())
            .with("SourcePartition", SelectorSchema.text())
            .with("DestinationPartition", SelectorSchema.text())
            .with("SourceType", SelectorSchema.text())
            .with("Action", SelectorSchema.text())
            .with("Precedence", SelectorSchema.integer())
            .with("Meta", SelectorSchema.mapOf(SelectorSchema.text()));

    private Schemas() {}

    static SelectorSchema of(Type type) {
      if (type instanceof Class<?> c) {
        if (c == String.class) {
          return SelectorSchema.text();
        }
        if (c == int.class || c == long.class || c == Integer.class || c == Long.class) {
          return SelectorSchema.integer();
        }
        if (c == double.class || c == Double.class) {
          return SelectorSchema.decimal();
        }
        if (c == boolean.class || c == Boolean.class) {
          return SelectorSchema.bool();
        }
        if (c.isRecord()) {
          SelectorSchema.ObjectOf object = SelectorSchema.object();
          for (RecordComponent rc : c.getRecordComponents()) {
            JsonProperty name = rc.getAccessor().getAnnotation(JsonProperty.class);
            if (name == null) {
              name = rc.getAnnotation(JsonProperty.class);
            }
            object =
                object.with(name != null ? name.value() : rc.getName(), of(rc.getGenericType()));
          }
          return object;
        }
        // Values such as Map<String, Object> tagged addresses: strings underneath.
        return SelectorSchema.text();
      }
      if (type instanceof ParameterizedType p) {
        Class<?> raw = (Class<?>) p.getRawType();
        Type[] args = p.getActualTypeArguments();
        if (raw == Optional.class) {
          return of(args[0]);
        }
        if (List.class.isAssignableFrom(raw)) {
          return SelectorSchema.listOf(of(args[0]));
        }
        if (Map.class.isAssignableFrom(raw)) {
          return SelectorSchema.mapOf(of(args[1]));
        }
      }
      return SelectorSchema.text();
    }

    /** A JSON tree as filter values; objects become maps so selectors can walk them. */
    static FilterValue value(JsonNode node) {
      if (node == null || node.isNull() || node.isMissingNode()) {
        return FilterValue.missing();
      }
      if (node.isTextual()) {
        return FilterValue.text(node.asText());
      }
      if (node.isBoolean()) {
        return FilterValue.bool(node.asBoolean());
      }
      if (node.isIntegralNumber()) {
        return FilterValue.number(node.asLong());
      }
      if (node.isNumber()) {
        return FilterValue.number(node.asDouble());
      }
      if (node.isArray()) {
        List<FilterValue> elements = new ArrayList<>(node.size());
        node.forEach(e -> elements.add(value(e)));
        return FilterValue.list(elements);
      }
      Map<String, FilterValue> entries = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> entries.put(e.getKey(), value(e.getValue())));
      return FilterValue.map(entries);
    }
  }
}
