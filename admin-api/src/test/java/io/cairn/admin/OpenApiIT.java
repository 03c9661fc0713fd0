package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.AdminServer.Reply;
import io.cairn.admin.OpenApiDocument.Operation;
import io.cairn.registry.config.IntentionAction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/openapi.yaml} true: what the server registers and what the document lists are
 * the same routes, and each documented operation, called with the document's examples against a
 * real server, answers as documented.
 */
class OpenApiIT {
  private static final OpenApiDocument DOC = OpenApiDocument.load();
  private static final SchemaCheck RESPONSES = new SchemaCheck(DOC, SchemaCheck.Mode.RESPONSE);

  @Test
  void theServerRegistersExactlyTheDocumentedRoutes() {
    RouteRecorder recorded;
    try (AdminServer api = AdminServer.start()) {
      AdminSettings settings =
          new AdminSettings(
              "127.0.0.1", 0, 1024, Optional.of("t"), AdminServer.NODE, IntentionAction.ALLOW);
      recorded =
          RouteRecorder.record(
              r ->
                  AdminApi.routing(
                      r,
                      settings,
                      api.registry(),
                      new SimpleMeterRegistry(),
                      () -> "",
                      "test",
                      () -> true,
                      AdminHooks.NONE));
    }
    Set<String> served = new TreeSet<>();
    recorded.routes().forEach(r -> served.add(r.replaceAll("\\{[^}]*}", "{}")));
    Set<String> documented =
        DOC.operations().stream()
            .map(Operation::route)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(served).as("the routing was walked").hasSizeGreaterThan(30);
    assertThat(documented)
        .as("routes the server registers but docs/openapi.yaml does not document")
        .containsAll(served);
    assertThat(served)
        .as("routes docs/openapi.yaml documents but the server does not register")
        .containsAll(documented);
  }

  @Test
  void everyDocumentedOperationAnswersAsDocumentedWithItsExamples() {
    try (AdminServer api = AdminServer.start()) {
      seed(api);
      SoftAssertions soft = new SoftAssertions();
      // Reads first, then writes, then what removes things, so each finds what it needs.
      List<Operation> ops = new ArrayList<>(DOC.operations());
      ops.sort(Comparator.comparingInt(OpenApiIT::phase));
      for (Operation op : ops) {
        Reply r = call(api, op, op.examplePath());
        soft.assertThat(r.status())
            .as("%s with the documented examples: %s", op, r.body())
            .isEqualTo(op.success());
        assertDocumented(soft, op, r);
      }
      soft.assertAll();
    }
  }

  @Test
  void errorsHaveTheDocumentedShape() {
    try (AdminServer api = AdminServer.start()) {
      SoftAssertions soft = new SoftAssertions();
      Operation register = operation("PUT", "/v1/agent/service/register");
      Reply bad =
          api.put(
              register.path(),
              "{\"Name\": \"web\", \"Port\": -1, \"Checks\": [{\"HTTP\": \"http://x\"}]}");
      soft.assertThat(bad.status()).isEqualTo(400);
      soft.assertThat(bad.json().get("Problems").toString())
          .contains("Port: ")
          .contains("Checks[0].Interval: ");
      assertDocumented(soft, register, bad);

      Operation service = operation("GET", "/v1/agent/service/{id}");
      Reply missing = api.get("/v1/agent/service/web-9");
      soft.assertThat(missing.status()).isEqualTo(404);
      assertDocumented(soft, service, missing);

      Operation filtered = operation("GET", "/v1/health/service/{name}");
      Reply badFilter = api.get("/v1/health/service/web?filter=Nope%20==%201");
      soft.assertThat(badFilter.status()).isEqualTo(400);
      assertDocumented(soft, filtered, badFilter);

      Reply unknown = api.get("/v1/kv/x");
      soft.assertThat(unknown.status()).isEqualTo(404);
      soft.assertThat(unknown.json().get("Error").asText())
          .isEqualTo("no such endpoint: GET /v1/kv/x");
      soft.assertThat(RESPONSES.problems(unknown.json(), schema("Error"))).isEmpty();
      soft.assertAll();
    }
  }

  @Test
  void otherMethodsOnDocumentedPathsGet405NamingTheDocumentedOnes() {
    Map<String, Set<String>> methods =
        DOC.operations().stream()
            .collect(
                Collectors.groupingBy(
                    Operation::path,
                    Collectors.mapping(Operation::method, Collectors.toCollection(TreeSet::new))));
    try (AdminServer api = AdminServer.start()) {
      SoftAssertions soft = new SoftAssertions();
      for (Operation op : DOC.operations()) {
        Reply r = api.send("PATCH", op.examplePath(), null);
        soft.assertThat(r.status()).as("PATCH %s: %s", op.path(), r.body()).isEqualTo(405);
        Set<String> allowed =
            Arrays.stream(r.header("Allow").orElse("").split(","))
                .map(String::strip)
                .collect(Collectors.toCollection(TreeSet::new));
        soft.assertThat(allowed).as("Allow of %s", op.path()).isEqualTo(methods.get(op.path()));
        soft.assertThat(r.json().get("Error").asText()).contains(op.examplePath().split("\\?")[0]);
      }
      soft.assertAll();
    }
  }

  @Test
  void operationsDocumentingIndexBlockUntilItChanges() {
    try (AdminServer api = AdminServer.start()) {
      seed(api);
      SoftAssertions soft = new SoftAssertions();
      List<Operation> blocking =
          DOC.operations().stream().filter(op -> op.hasParameter("index")).toList();
      assertThat(blocking).hasSizeGreaterThanOrEqualTo(10);
      for (Operation op : blocking) {
        String path = op.examplePath();
        long index = call(api, op, path).index();
        long start = System.nanoTime();
        Reply r =
            call(
                api,
                op,
                path + (path.contains("?") ? "&" : "?") + "index=" + index + "&wait=200ms");
        long ms = (System.nanoTime() - start) / 1_000_000;
        soft.assertThat(r.status()).as("%s: %s", op, r.body()).isEqualTo(200);
        soft.assertThat(ms).as("%s waited (ms)", op).isGreaterThanOrEqualTo(190);
        soft.assertThat(r.index()).as("%s index", op).isEqualTo(index);
      }
      soft.assertAll();
    }
  }

  @Test
  void everyDocumentedWriteNeedsTheTokenWhenAclsAreOn() {
    try (AdminServer api = AdminServer.start(Optional.of("s3cret"), IntentionAction.ALLOW)) {
      SoftAssertions soft = new SoftAssertions();
      List<Operation> writes = DOC.operations().stream().filter(Operation::isWrite).toList();
      assertThat(writes).hasSizeGreaterThanOrEqualTo(14);
      for (Operation op : writes) {
        soft.assertThat(op.node().path("security").toString())
            .as("%s documents the token", op)
            .contains("consulToken");
        Reply r = call(api, op, op.examplePath());
        soft.assertThat(r.status()).as("%s without the token", op).isEqualTo(403);
        assertDocumented(soft, op, r);
        Reply with =
            api.send(
                op.method(),
                op.examplePath(),
                op.exampleBody().orElse(null),
                "X-Consul-Token",
                "s3cret");
        soft.assertThat(with.status()).as("%s with the token", op).isNotEqualTo(403);
      }
      soft.assertAll();
    }
  }

  @Test
  void requestExamplesUseOnlyDocumentedFields() {
    SchemaCheck requests = new SchemaCheck(DOC, SchemaCheck.Mode.REQUEST);
    SoftAssertions soft = new SoftAssertions();
    for (Operation op : DOC.operations()) {
      if (op.requestSchema().isPresent()) {
        soft.assertThat(op.exampleBody()).as("%s has an example body", op).isPresent();
        JsonNode example = AdminServer.parse(op.exampleBody().orElse("{}"));
        soft.assertThat(requests.problems(example, op.requestSchema().get()))
            .as("%s example", op)
            .isEmpty();
      }
    }
    soft.assertAll();
  }

  // ------------------------------------------------------------------------------------------

  /** What the examples refer to: web-1 with its checks, api's resolver subsets, an intention. */
  private static void seed(AdminServer api) {
    Operation register = operation("PUT", "/v1/agent/service/register");
    put(api, register.path(), register.exampleBody().orElseThrow());
    put(
        api,
        "/v1/config",
        "{\"Kind\": \"service-defaults\", \"Name\": \"api\", \"Protocol\": \"http\"}");
    put(
        api,
        "/v1/config",
        """
        {"Kind": "service-resolver", "Name": "api", "DefaultSubset": "v1",
         "Subsets": {"v1": {"Filter": "Service.Meta.version == 1"},
                     "v2": {"Filter": "Service.Meta.version == 2", "OnlyPassing": true}}}
        """);
    put(api, "/v1/config", operation("PUT", "/v1/config").exampleBody().orElseThrow());
    put(api, "/v1/connect/intentions/exact?source=web&destination=api", "{\"Action\": \"allow\"}");
  }

  private static void put(AdminServer api, String path, String body) {
    Reply r = api.put(path, body);
    assertThat(r.status()).as("seeding %s: %s", path, r.body()).isEqualTo(200);
  }

  private static int phase(Operation op) {
    if (op.method().equals("GET")) {
      return 0;
    }
    if (op.path().startsWith("/v1/agent/service/deregister/")) {
      return 3; // after the check deregistration, which needs the instance
    }
    return op.method().equals("DELETE") || op.path().contains("/deregister/") ? 2 : 1;
  }

  private static Reply call(AdminServer api, Operation op, String path) {
    return api.send(op.method(), path, op.exampleBody().orElse(null));
  }

  private static Operation operation(String method, String path) {
    return DOC.operations().stream()
        .filter(op -> op.method().equals(method) && op.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError(method + " " + path + " is not documented"));
  }

  private static JsonNode schema(String name) {
    return DOC.resolve(AdminServer.parse("{\"$ref\": \"#/components/schemas/" + name + "\"}"));
  }

  /**
   * The reply is a documented response of {@code op}: its status is listed, its body fits the
   * schema (or is empty when none is documented), and it carries {@code X-Consul-Index} exactly
   * when the response documents it.
   */
  private static void assertDocumented(SoftAssertions soft, Operation op, Reply r) {
    soft.assertThat(r.status() == 404 && r.body().contains("no such endpoint"))
        .as("%s is served: %s", op, r.body())
        .isFalse();
    Optional<JsonNode> documented = op.response(r.status());
    soft.assertThat(documented)
        .as("%s documents status %d (%s)", op, r.status(), r.body())
        .isPresent();
    if (documented.isEmpty()) {
      return;
    }
    JsonNode response = documented.get();
    soft.assertThat(r.header("X-Consul-Index").isPresent())
        .as("%s %d sends X-Consul-Index exactly when documented", op, r.status())
        .isEqualTo(response.path("headers").has("X-Consul-Index"));
    JsonNode content = response.path("content");
    if (content.isMissingNode()) {
      soft.assertThat(r.body()).as("%s %d has no body", op, r.status()).isEmpty();
    } else if (content.has("application/json")) {
      soft.assertThat(r.header("Content-Type").orElse(""))
          .as("%s type", op)
          .startsWith("application/json");
      JsonNode body = AdminServer.parse(r.body());
      soft.assertThat(RESPONSES.problems(body, content.get("application/json").get("schema")))
          .as("%s %d body against its schema", op, r.status())
          .isEmpty();
    } else {
      soft.assertThat(r.header("Content-Type").orElse(""))
          .as("%s type", op)
          .startsWith(content.fieldNames().next());
    }
  }
}
