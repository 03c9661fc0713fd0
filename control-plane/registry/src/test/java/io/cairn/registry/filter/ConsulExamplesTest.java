package io.cairn.registry.filter;

import static io.cairn.registry.filter.SelectorSchema.bool;
import static io.cairn.registry.filter.SelectorSchema.integer;
import static io.cairn.registry.filter.SelectorSchema.listOf;
import static io.cairn.registry.filter.SelectorSchema.mapOf;
import static io.cairn.registry.filter.SelectorSchema.object;
import static io.cairn.registry.filter.SelectorSchema.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Expressions as Consul users write them: the worked examples of Consul's "Filtering" API page
 * (with its sample responses as rows) and filters commonly used against the health endpoint.
 */
class ConsulExamplesTest {

  /** The /v1/agent/services sample response, one row per service. */
  private static final Map<String, Selectable> AGENT_SERVICES =
      Map.of(
          "redis1",
          agentService(
              "redis1",
              List.of("primary", "production"),
              Map.of("env", "production", "foo", "bar"),
              1234),
          "redis2",
          agentService(
              "redis2",
              List.of("secondary", "production"),
              Map.of("env", "production", "foo", "bar"),
              1235),
          "redis3",
          agentService("redis3", List.of("primary", "qa"), Map.of("env", "qa"), 1234));

  private static final SelectorSchema AGENT_SERVICE =
      object()
          .with("ID", text())
          .with("Service", text())
          .with("Tags", listOf(text()))
          .with("Meta", mapOf(text()))
          .with("Port", integer())
          .with("Address", text())
          .with("EnableTagOverride", bool())
          .with("Weights", object().with("Passing", integer()).with("Warning", integer()));

  private static Selectable agentService(
      String id, List<String> tags, Map<String, String> meta, int port) {
    return Rows.row(
        Map.of(
            "ID",
            id,
            "Service",
            "redis",
            "Tags",
            tags,
            "Meta",
            meta,
            "Port",
            port,
            "Address",
            "",
            "Weights",
            Map.of("Passing", 1, "Warning", 1),
            "EnableTagOverride",
            false));
  }

  /** The /v1/catalog/service/api-internal sample response, keyed by node. */
  private static final Map<String, Selectable> CATALOG_SERVICE =
      Map.of(
          "node-1",
          Rows.row(
              Map.of(
                  "Node", "node-1",
                  "NodeMeta", Map.of("agent", "true", "arch", "i386", "os", "darwin"),
                  "ServiceTags", List.of("tag"),
                  "ServiceMeta", Map.of("environment", "qa"))),
          "node-2",
          Rows.row(
              Map.of(
                  "Node", "node-2",
                  "NodeMeta", Map.of("arch", "arm", "os", "linux"),
                  "ServiceTags", List.of("test", "tag"),
                  "ServiceMeta", Map.of("environment", "production"))),
          "node-4",
          Rows.row(
              Map.of(
                  "Node", "node-4",
                  "NodeMeta", Map.of("arch", "i386", "os", "freebsd"),
                  "ServiceTags", List.of(),
                  "ServiceMeta", Map.of("environment", "qa"))));

  /** The /v1/health/node/node-1 sample response, keyed by check. */
  private static final Map<String, Selectable> NODE_CHECKS =
      Map.of(
          "node-health",
          Rows.row(Map.of("CheckID", "node-health", "Status", "critical", "ServiceName", "")),
          "svc-web-health",
          Rows.row(Map.of("CheckID", "svc-web-health", "Status", "warning", "ServiceName", "web")));

  @Test
  void agentServicesExample() {
    assertThat(Rows.matching("Meta.env == \"qa\"", AGENT_SERVICES)).containsExactly("redis3");
    assertThat(Rows.matching(Filter.parse("Meta.env == \"qa\"", AGENT_SERVICE), AGENT_SERVICES))
        .containsExactly("redis3");
  }

  @Test
  void catalogServiceExample() {
    assertThat(Rows.matching("NodeMeta.os == \"linux\"", CATALOG_SERVICE))
        .containsExactly("node-2");
    // The page's selector section: these two select the same map entry.
    assertThat(Rows.matching("ServiceMeta.environment == qa", CATALOG_SERVICE))
        .isEqualTo(Rows.matching("ServiceMeta[\"environment\"] == qa", CATALOG_SERVICE))
        .containsExactly("node-1", "node-4");
  }

  @Test
  void healthNodeExample() {
    assertThat(Rows.matching("ServiceName != \"\"", NODE_CHECKS)).containsExactly("svc-web-health");
  }

  static Stream<Arguments> agentFilters() {
    return Stream.of(
        arguments("Service == redis and \"primary\" in Tags", List.of("redis1", "redis3")),
        arguments("Tags contains production and Meta.foo == bar", List.of("redis1", "redis2")),
        arguments("Port == 1234 and not qa in Tags", List.of("redis1")),
        arguments("Meta.foo is empty", List.of("redis3")),
        arguments("ID matches `^redis[12]$`", List.of("redis1", "redis2")),
        arguments(
            "Weights.Passing == 1 and EnableTagOverride == false",
            List.of("redis1", "redis2", "redis3")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("agentFilters")
  void commonAgentFilters(String expression, List<String> expected) {
    assertThat(Rows.matching(Filter.parse(expression, AGENT_SERVICE), AGENT_SERVICES))
        .isEqualTo(expected);
  }

  static Stream<Arguments> healthFilters() {
    return Stream.of(
        arguments("Service.Meta.version == \"2\"", List.of("web1")),
        arguments("\"canary\" in Service.Tags", List.of("web1")),
        arguments("Service.Tags is empty", List.of("api1")),
        arguments("Service.Tags contains \"v2\"", List.of("web2")),
        arguments("Node.Meta.os == linux and Service.Port == 8080", List.of("web1")),
        arguments("Checks.Status == passing", List.of("web1", "web2")),
        // From consul-template's tests: some check critical; some check not passing.
        arguments("Checks.Status == \"critical\"", List.of("web2")),
        arguments("Checks.Status != passing and \"v2\" in Service.Tags", List.of("web2")),
        // What Consul itself used for "every check passing" before any/all existed.
        arguments("not Checks.Status != passing", List.of("api1", "web1")),
        arguments(
            "Service.ID matches \"^web\" and Service.Tags not contains canary", List.of("web2")),
        arguments("Node.Datacenter == dc2 or Service.Meta.env == prod", List.of("api1", "web1")),
        arguments("Service.Meta[\"version\"] != \"\"", List.of("api1", "web1", "web2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("healthFilters")
  void commonHealthFilters(String expression, List<String> expected) {
    assertThat(Rows.matching(Filter.parse(expression, HealthRows.SCHEMA), HealthRows.rows()))
        .isEqualTo(expected);
  }
}
