package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.AdminServer.Reply;
import io.cairn.admin.OpenApiDocument.Operation;
import io.cairn.admin.http.HttpLimits;
import io.cairn.ca.MeshCa;
import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.acl.AclSettings;
import io.cairn.registry.acl.DefaultPolicy;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code docs/openapi.yaml} true: what the server registers and what the document lists are
 * the same routes, each documented operation, called with the document's examples against a real
 * server, answers as documented, and with ACLs on it needs what its {@code x-cairn-acl} says.
 */
class OpenApiIT {
  private static final OpenApiDocument DOC = OpenApiDocument.load();
  private static final SchemaCheck RESPONSES = new SchemaCheck(DOC, SchemaCheck.Mode.RESPONSE);

  /** The configured management token of the servers with ACLs on (deny by default). */
  private static final String TOKEN = "s3cret-management";

  private static final String ANONYMOUS = "00000000-0000-0000-0000-000000000002";
  private static final String UNKNOWN_SECRET = "0badc0de-0000-4000-8000-000000000000";
  private static final String FILTERED = "X-Consul-Results-Filtered-By-ACLs";
  private static final String DEFAULT_POLICY = "X-Consul-Default-ACL-Policy";

  @Test
  void theServerRegistersExactlyTheDocumentedRoutes() {
    RouteRecorder recorded;
    try (AdminServer api = AdminServer.start()) {
      AdminSettings settings = new AdminSettings("127.0.0.1", 0, 1024, AdminServer.NODE);
      Core core =
          Core.of(
              api.registry(),
              new SimpleMeterRegistry(),
              AclSettings.denyByDefault("t"),
              IntentionAction.ALLOW);
      recorded =
          RouteRecorder.record(
              r ->
                  AdminApi.routing(
                      r,
                      settings,
                      core,
                      MeshCa.start(api.registry(), "dc1", Clock.systemUTC()),
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

  /**
   * With ACLs on (so that {@code /v1/acl} answers) and the management token on every call, so that
   * nothing is refused or filtered.
   */
  @Test
  void everyDocumentedOperationAnswersAsDocumentedWithItsExamples() {
    try (AdminServer api = AdminServer.start(Optional.of(TOKEN), IntentionAction.ALLOW)) {
      seed(api);
      seedAcl(api);
      SoftAssertions soft = new SoftAssertions();
      for (Operation op : inPhases(DOC.operations())) {
        Reply r = call(api, op, op.examplePath(), "X-Consul-Token", TOKEN);
        soft.assertThat(r.status())
            .as("%s with the documented examples: %s", op, r.body())
            .isEqualTo(successWithConfiguredToken(op));
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

      for (Operation op : DOC.operations()) {
        if (op.path().startsWith("/v1/acl/")) {
          Reply off = call(api, op, op.examplePath());
          soft.assertThat(off.status()).as("%s with ACLs off: %s", op, off.body()).isEqualTo(401);
          soft.assertThat(off.body()).as("%s with ACLs off", op).contains("ACL support disabled");
          assertDocumented(soft, op, off);
        }
      }

      Reply unknown = api.get("/v1/event/list");
      soft.assertThat(unknown.status()).isEqualTo(404);
      soft.assertThat(unknown.json().get("Error").asText())
          .isEqualTo("no such endpoint: GET /v1/event/list");
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

  /**
   * Every method a documented path does not serve, not only PATCH, is refused with 405 and an
   * {@code Allow} header naming exactly the documented (and, by {@link
   * #theServerRegistersExactlyTheDocumentedRoutes}, registered) methods of that path. HEAD too:
   * Helidon does not answer it from a GET route, so it is refused like any other method.
   */
  @Test
  void everyUnservedMethodOnEveryPathGets405WithExactlyTheServedMethods() {
    Map<String, Operation> byPath = new TreeMap<>();
    Map<String, Set<String>> served = new TreeMap<>();
    for (Operation op : DOC.operations()) {
      byPath.putIfAbsent(op.path(), op);
      served.computeIfAbsent(op.path(), p -> new TreeSet<>()).add(op.method());
    }
    try (AdminServer api = AdminServer.start()) {
      SoftAssertions soft = new SoftAssertions();
      for (Map.Entry<String, Set<String>> path : served.entrySet()) {
        String example = byPath.get(path.getKey()).examplePath();
        for (String method : List.of("GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS")) {
          if (path.getValue().contains(method)) {
            continue;
          }
          Reply r = api.send(method, example, null);
          soft.assertThat(r.status()).as("%s %s: %s", method, example, r.body()).isEqualTo(405);
          Set<String> allowed =
              Arrays.stream(r.header("Allow").orElse("").split(","))
                  .map(String::strip)
                  .collect(Collectors.toCollection(TreeSet::new));
          soft.assertThat(allowed).as("Allow of %s %s", method, example).isEqualTo(path.getValue());
          if (!method.equals("HEAD")) { // a reply to HEAD has no body
            soft.assertThat(r.json() == null ? "" : r.json().path("Error").asText())
                .as("%s %s error", method, example)
                .startsWith("method " + method + " is not allowed on " + example.split("\\?")[0]);
          }
        }
      }
      soft.assertAll();
    }
  }

  /** A 405 says the path exists; a path that no route serves is 404 whatever the method. */
  @Test
  void pathsNoRouteServesAre404NotA405() {
    try (AdminServer api = AdminServer.start()) {
      SoftAssertions soft = new SoftAssertions();
      for (String method : List.of("GET", "PUT", "DELETE")) {
        for (String path :
            List.of(
                "/v1/agent/check/bogus/web-1", "/v1/agent/service/bogus/web-1", "/v1/event/x")) {
          Reply r = api.send(method, path, null);
          soft.assertThat(r.status()).as("%s %s: %s", method, path, r.body()).isEqualTo(404);
          soft.assertThat(r.header("Allow")).as("%s %s Allow", method, path).isEmpty();
        }
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
  void everyOperationSaysWhatItsAclNeeds() {
    SoftAssertions soft = new SoftAssertions();
    for (Operation op : DOC.operations()) {
      String acl = op.acl().orElse("");
      soft.assertThat(acl)
          .as("%s x-cairn-acl", op)
          .matches(
              "none|token|filtered: [a-z]+:read|[a-z]+:(read|write)"
                  + "|per operation: [a-z]+:(read|write)");
      if (acl.matches("[a-z]+:(read|write)") || acl.equals("token")) {
        soft.assertThat(op.response(403)).as("%s documents 403", op).isPresent();
      }
      if (acl.startsWith("filtered")) {
        soft.assertThat(
                op.response(op.success()).map(r -> r.path("headers").has(FILTERED)).orElse(false))
            .as("%s documents %s", op, FILTERED)
            .isTrue();
      }
      if (op.path().startsWith("/v1/acl/")) {
        soft.assertThat(op.response(401)).as("%s documents 401", op).isPresent();
      }
    }
    soft.assertAll();
  }

  /**
   * ACLs on, deny by default, data seeded with the management token: each operation, in phase
   * order, answers without a token and with it as its {@code x-cairn-acl} says.
   */
  @Test
  void everyOperationNeedsWhatItsAclSaysUnderDefaultDeny() {
    try (AdminServer api = AdminServer.start(Optional.of(TOKEN), IntentionAction.ALLOW)) {
      seed(api);
      seedAcl(api);
      SoftAssertions soft = new SoftAssertions();
      for (Operation op : inPhases(DOC.operations())) {
        String acl = op.acl().orElseThrow(() -> new AssertionError(op + " has no x-cairn-acl"));
        String path = op.examplePath();
        Reply anonymous = call(api, op, path);
        assertDocumented(soft, op, anonymous);
        soft.assertThat(anonymous.header(DEFAULT_POLICY))
            .as("%s %s", op, DEFAULT_POLICY)
            .contains("deny");
        if (acl.equals("none")) {
          soft.assertThat(anonymous.status())
              .as("%s (none) without a token: %s", op, anonymous.body())
              .isEqualTo(successWithConfiguredToken(op));
        } else if (acl.equals("token")) {
          // Without a token, the request is the anonymous token's, which resolves.
          soft.assertThat(anonymous.status()).as("%s without a token", op).isEqualTo(200);
          soft.assertThat(anonymous.json().path("AccessorID").asText())
              .as("%s without a token", op)
              .isEqualTo(ANONYMOUS);
          Reply with = call(api, op, path, "X-Consul-Token", TOKEN);
          soft.assertThat(with.status())
              .as("%s with the token: %s", op, with.body())
              .isEqualTo(200);
          soft.assertThat(with.json().path("AccessorID").asText())
              .as("%s with the management token", op)
              .isEqualTo("initial-management");
          assertDocumented(soft, op, with);
          Reply unknown = call(api, op, path, "X-Consul-Token", UNKNOWN_SECRET);
          soft.assertThat(unknown.status()).as("%s with an unknown token", op).isEqualTo(403);
          soft.assertThat(unknown.body())
              .as("%s with an unknown token", op)
              .contains("ACL not found");
          assertDocumented(soft, op, unknown);
        } else if (acl.startsWith("per operation: ")) {
          // Consul's transactions: each denied operation is an error of a 409, nothing applied.
          soft.assertThat(anonymous.status())
              .as("%s (%s) without a token: %s", op, acl, anonymous.body())
              .isEqualTo(409);
          soft.assertThat(anonymous.body())
              .as("%s without a token", op)
              .contains("Permission denied");
          Reply with = call(api, op, path, "X-Consul-Token", TOKEN);
          soft.assertThat(with.status())
              .as("%s with the token: %s", op, with.body())
              .isEqualTo(op.success());
          assertDocumented(soft, op, with);
        } else if (acl.startsWith("filtered: ")) {
          soft.assertThat(anonymous.status())
              .as("%s (%s) without a token: %s", op, acl, anonymous.body())
              .isEqualTo(200);
          soft.assertThat(anonymous.header(FILTERED))
              .as("%s without a token is filtered", op)
              .contains("true");
          Reply with = call(api, op, path, "X-Consul-Token", TOKEN);
          soft.assertThat(with.status())
              .as("%s with the token: %s", op, with.body())
              .isEqualTo(200);
          soft.assertThat(with.header(FILTERED)).as("%s with the token", op).isEmpty();
          assertDocumented(soft, op, with);
        } else {
          soft.assertThat(anonymous.status())
              .as("%s (%s) without a token: %s", op, acl, anonymous.body())
              .isEqualTo(403);
          soft.assertThat(anonymous.body())
              .as("%s without a token", op)
              .contains("'" + acl + "'")
              .contains(ANONYMOUS);
          Reply with = call(api, op, path, "X-Consul-Token", TOKEN);
          soft.assertThat(with.status())
              .as("%s with the token: %s", op, with.body())
              .isEqualTo(op.success());
          assertDocumented(soft, op, with);
        }
      }
      soft.assertAll();
    }
  }

  /**
   * A token made through the API with one narrow policy, linked by name: it may write web-*
   * services and read them, nothing else; the three ways of presenting it are the same.
   */
  @Test
  void aNarrowTokenMayDoWhatItsPolicySaysAndNothingElse() {
    try (AdminServer api = AdminServer.start(Optional.of(TOKEN), IntentionAction.ALLOW)) {
      seed(api);
      put(api, "/v1/agent/service/register", "{\"ID\": \"api-1\", \"Name\": \"api\"}");
      SoftAssertions soft = new SoftAssertions();
      Reply policy =
          api.send(
              "PUT",
              "/v1/acl/policy",
              """
              {"Name": "web-deployer",
               "Rules": "service_prefix \\"web\\" { policy = \\"write\\" }"}
              """,
              "X-Consul-Token",
              TOKEN);
      assertThat(policy.status()).as(policy.body()).isEqualTo(200);
      assertDocumented(soft, operation("PUT", "/v1/acl/policy"), policy);
      Reply token =
          api.send(
              "PUT",
              "/v1/acl/token",
              "{\"Description\": \"deploys web\", \"Policies\": [{\"Name\": \"web-deployer\"}]}",
              "X-Consul-Token",
              TOKEN);
      assertThat(token.status()).as(token.body()).isEqualTo(200);
      assertDocumented(soft, operation("PUT", "/v1/acl/token"), token);
      soft.assertThat(token.json().path("Policies").get(0).path("ID").asText())
          .as("linked by name")
          .isEqualTo(policy.json().path("ID").asText());
      String secret = token.json().path("SecretID").asText();
      String accessor = token.json().path("AccessorID").asText();
      Operation register = operation("PUT", "/v1/agent/service/register");

      // X-Consul-Token, Authorization: Bearer and ?token= present the same token.
      List<Presented> ways =
          List.of(
              new Presented("", new String[] {"X-Consul-Token", secret}),
              new Presented("", new String[] {"Authorization", "Bearer " + secret}),
              new Presented("?token=" + secret, new String[0]));
      for (int i = 0; i < ways.size(); i++) {
        Presented way = ways.get(i);
        Reply web =
            api.send(
                "PUT",
                "/v1/agent/service/register" + way.query(),
                "{\"Name\": \"web-" + (i + 2) + "\"}",
                way.headers());
        soft.assertThat(web.status()).as("register web-%d: %s", i + 2, web.body()).isEqualTo(200);
        assertDocumented(soft, register, web);
        Reply other =
            api.send(
                "PUT",
                "/v1/agent/service/register" + way.query(),
                "{\"Name\": \"api-" + (i + 2) + "\"}",
                way.headers());
        soft.assertThat(other.status()).as("register api-%d", i + 2).isEqualTo(403);
        soft.assertThat(other.body())
            .as("register api-%d", i + 2)
            .contains(accessor)
            .contains("'service:write' on \\\"api-" + (i + 2) + "\\\"");
        assertDocumented(soft, register, other);
        for (Reply r : List.of(web, other)) {
          soft.assertThat(r.header(DEFAULT_POLICY)).as(DEFAULT_POLICY).contains("deny");
        }
      }

      Operation health = operation("GET", "/v1/health/service/{name}");
      Reply api1 = api.send("GET", "/v1/health/service/api", null, "X-Consul-Token", secret);
      soft.assertThat(api1.status()).isEqualTo(200);
      soft.assertThat(api1.json()).as("api, which the token may not read").isEmpty();
      soft.assertThat(api1.header(FILTERED)).contains("true");
      assertDocumented(soft, health, api1);
      Reply web =
          api.send("GET", "/v1/health/service/web", null, "Authorization", "Bearer " + secret);
      soft.assertThat(web.status()).isEqualTo(200);
      soft.assertThat(web.json()).as("web, which it may read").isNotEmpty();
      soft.assertThat(web.header(FILTERED)).isEmpty();
      assertDocumented(soft, health, web);

      Operation tokens = operation("GET", "/v1/acl/tokens");
      Reply list = api.send("GET", "/v1/acl/tokens?token=" + secret, null);
      soft.assertThat(list.status()).as(list.body()).isEqualTo(403);
      soft.assertThat(list.body()).contains("'acl:read'").contains(accessor);
      assertDocumented(soft, tokens, list);

      Reply unknown =
          api.send("GET", "/v1/health/service/web", null, "X-Consul-Token", UNKNOWN_SECRET);
      soft.assertThat(unknown.status()).isEqualTo(403);
      soft.assertThat(unknown.json().path("Error").asText()).isEqualTo("ACL not found");
      soft.assertThat(unknown.header(DEFAULT_POLICY)).contains("deny");

      // A reader sees the token, but not its secret; the management token sees both.
      Reply reader =
          api.send(
              "PUT",
              "/v1/acl/token",
              "{\"Policies\": [{\"Name\": \"builtin/global-read-only\"}]}",
              "X-Consul-Token",
              TOKEN);
      assertThat(reader.status()).as(reader.body()).isEqualTo(200);
      String readerSecret = reader.json().path("SecretID").asText();
      Operation readToken = operation("GET", "/v1/acl/token/{id}");
      Reply seen =
          api.send("GET", "/v1/acl/token/" + accessor, null, "X-Consul-Token", readerSecret);
      soft.assertThat(seen.status()).as(seen.body()).isEqualTo(200);
      soft.assertThat(seen.json().path("SecretID").asText()).isEqualTo("<hidden>");
      soft.assertThat(seen.json().path("Policies").get(0).path("Name").asText())
          .isEqualTo("web-deployer");
      assertDocumented(soft, readToken, seen);
      Reply all = api.send("GET", "/v1/acl/tokens", null, "X-Consul-Token", readerSecret);
      soft.assertThat(all.status()).as(all.body()).isEqualTo(200);
      soft.assertThat(all.json().findValuesAsText("SecretID")).hasSize(3).containsOnly("<hidden>");
      assertDocumented(soft, tokens, all);
      Reply expiring =
          api.send("PUT", "/v1/acl/token", "{\"ExpirationTTL\": \"1h\"}", "X-Consul-Token", TOKEN);
      soft.assertThat(expiring.status()).as("expiry is refused, not ignored").isEqualTo(400);
      soft.assertThat(expiring.body()).contains("ExpirationTTL: is not supported");
      assertDocumented(soft, operation("PUT", "/v1/acl/token"), expiring);
      Reply managed = api.send("GET", "/v1/acl/token/" + accessor, null, "X-Consul-Token", TOKEN);
      soft.assertThat(managed.json().path("SecretID").asText()).isEqualTo(secret);
      Reply delete =
          api.send("DELETE", "/v1/acl/token/" + accessor, null, "X-Consul-Token", readerSecret);
      soft.assertThat(delete.status()).isEqualTo(403);
      soft.assertThat(delete.body()).contains("'acl:write'");
      soft.assertAll();
    }
  }

  private record Presented(String query, String[] headers) {}

  /**
   * Bootstrap answers once on a server with ACLs on and no configured management token (the servers
   * above have one, so there it is always refused, as in Consul).
   */
  @Test
  void bootstrapMakesOneManagementTokenOnlyWhereNoneIsConfigured(@TempDir Path dir)
      throws Exception {
    Operation bootstrap = operation("PUT", "/v1/acl/bootstrap");
    SoftAssertions soft = new SoftAssertions();
    try (Registry registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
        AdminApi api =
            AdminApi.start(
                new AdminSettings("127.0.0.1", 0, 64 * 1024, AdminServer.NODE, HttpLimits.DEFAULT),
                Core.of(
                    registry,
                    new SimpleMeterRegistry(),
                    new AclSettings(true, DefaultPolicy.DENY, Optional.empty()),
                    IntentionAction.ALLOW),
                MeshCa.start(registry, "dc1", Clock.systemUTC()),
                Optional.empty(),
                AdminHooks.NONE)) {
      HttpClient client = HttpClient.newHttpClient();
      Reply first = send(client, api.port(), "PUT", "/v1/acl/bootstrap");
      soft.assertThat(first.status()).as(first.body()).isEqualTo(200);
      assertDocumented(soft, bootstrap, first);
      String secret = first.json().path("SecretID").asText();
      soft.assertThat(first.json().path("Policies").get(0).path("Name").asText())
          .isEqualTo("global-management");
      Reply tokens = send(client, api.port(), "GET", "/v1/acl/tokens", "X-Consul-Token", secret);
      soft.assertThat(tokens.status())
          .as("the bootstrap token manages: %s", tokens.body())
          .isEqualTo(200);
      Reply again = send(client, api.port(), "PUT", "/v1/acl/bootstrap");
      soft.assertThat(again.status()).isEqualTo(403);
      soft.assertThat(again.body()).contains("ACL bootstrap no longer allowed");
      assertDocumented(soft, bootstrap, again);
    }
    try (AdminServer configured = AdminServer.start(Optional.of(TOKEN), IntentionAction.ALLOW)) {
      for (String[] headers : List.of(new String[0], new String[] {"X-Consul-Token", TOKEN})) {
        Reply r = configured.send("PUT", "/v1/acl/bootstrap", null, headers);
        soft.assertThat(r.status()).as("with acl.token configured: %s", r.body()).isEqualTo(403);
        soft.assertThat(r.body()).contains("ACL bootstrap no longer allowed");
        assertDocumented(soft, bootstrap, r);
      }
    }
    soft.assertAll();
  }

  private static Reply send(
      HttpClient client, int port, String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body(), r, AdminServer.parse(r.body()));
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
    put(api, "/v1/kv/" + parameterExample("kvKey"), "postgres://db:5432");
    // Session IDs are made by the server; the examples' one is put in place directly.
    api.registry()
        .apply(
            new io.cairn.registry.command.CreateSession(
                new io.cairn.registry.kv.Session(
                    parameterExample("sessionId"),
                    "example",
                    AdminServer.NODE.name(),
                    java.time.Duration.ofSeconds(15),
                    io.cairn.registry.kv.SessionBehavior.RELEASE,
                    java.util.Optional.empty(),
                    List.of(io.cairn.registry.kv.Session.SERF_HEALTH),
                    List.of(),
                    System.currentTimeMillis())));
  }

  /**
   * The policy and token the ACL examples name by ID ({@code aclPolicyId}, {@code aclAccessorId},
   * and the policy named {@code web-write} that the token examples link).
   */
  private static void seedAcl(AdminServer api) {
    String policyId = parameterExample("aclPolicyId");
    String accessor = parameterExample("aclAccessorId");
    put(
        api,
        "/v1/acl/policy",
        """
        {"ID": "%s", "Name": "web-write",
         "Rules": "service_prefix \\"web\\" { policy = \\"write\\" }"}
        """
            .formatted(policyId));
    put(
        api,
        "/v1/acl/token",
        """
        {"AccessorID": "%s", "Description": "web deployer", "Policies": [{"Name": "web-write"}]}
        """
            .formatted(accessor));
  }

  /** Seeds with the management token, which a server without ACLs ignores. */
  private static void put(AdminServer api, String path, String body) {
    Reply r = api.send("PUT", path, body, "X-Consul-Token", TOKEN);
    assertThat(r.status()).as("seeding %s: %s", path, r.body()).isEqualTo(200);
  }

  private static String parameterExample(String name) {
    return DOC.resolve(AdminServer.parse("{\"$ref\": \"#/components/parameters/" + name + "\"}"))
        .path("example")
        .asText();
  }

  /** Reads first, then writes, then what removes things, so each finds what it needs. */
  private static List<Operation> inPhases(List<Operation> operations) {
    List<Operation> ops = new ArrayList<>(operations);
    ops.sort(Comparator.comparingInt(OpenApiIT::phase));
    return ops;
  }

  /**
   * The status an operation's examples get on a server with a configured management token: the
   * documented success, but bootstrap is refused there ({@link
   * #bootstrapMakesOneManagementTokenOnlyWhereNoneIsConfigured}).
   */
  private static int successWithConfiguredToken(Operation op) {
    return op.path().equals("/v1/acl/bootstrap") ? 403 : op.success();
  }

  private static int phase(Operation op) {
    if (op.method().equals("GET")) {
      return 0;
    }
    if (op.path().startsWith("/v1/agent/service/deregister/")) {
      return 3; // after the check deregistration, which needs the instance
    }
    return op.method().equals("DELETE")
            || op.path().contains("/deregister/")
            || op.path().contains("/destroy/")
        ? 2
        : 1;
  }

  private static Reply call(AdminServer api, Operation op, String path, String... headers) {
    return api.send(op.method(), path, op.exampleBody().orElse(null), headers);
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
