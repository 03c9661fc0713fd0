package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/cairn-copy}, the migration script of docs/migration-from-consul.md, run as users run
 * it: from one Cairn into another (every record read back the same), and from a fake Consul serving
 * a real cluster's answers (IDs used on two nodes, TTL checks without their TTL, check and service
 * kinds Cairn does not have).
 */
class CairnCopyIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Path script;

  @BeforeAll
  static void tools() throws Exception {
    for (String tool : List.of("bash", "curl", "jq")) {
      assumeTrue(run(List.of("sh", "-c", "command -v " + tool)).exit() == 0, tool + " is missing");
    }
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.isRegularFile(dir.resolve("bin/cairn-copy"))) {
      dir = dir.getParent();
    }
    script = dir.resolve("bin/cairn-copy");
  }

  @Test
  void copiesOneCairnIntoAnotherRecordForRecord(@TempDir Path tmp) throws Exception {
    try (CairnProcess source = CairnProcess.server(tmp.resolve("a"));
        CairnProcess target = CairnProcess.server(tmp.resolve("b"))) {
      String from = "http://127.0.0.1:" + source.awaitHttpPort(START);
      String to = "http://127.0.0.1:" + target.awaitHttpPort(START);
      put(
          from,
          "/v1/agent/service/register",
          """
          {"ID": "web-1", "Name": "web", "Tags": ["v1"], "Address": "10.0.0.5", "Port": 8080,
           "Meta": {"version": "1"}, "Weights": {"Passing": 10, "Warning": 1},
           "Locality": {"Region": "eu-west", "Zone": "eu-west-1a"},
           "Checks": [{"CheckID": "web-1:tcp", "TCP": "127.0.0.1:1", "Interval": "1h",
                       "SuccessBeforePassing": 2, "FailuresBeforeCritical": 3},
                      {"CheckID": "web-1:ttl", "TTL": "1h", "Notes": "heartbeat",
                       "DeregisterCriticalServiceAfter": "10h"}],
           "Connect": {"SidecarService": {"Proxy": {"Upstreams":
                       [{"DestinationName": "api", "LocalBindPort": 9191}]}}}}
          """);
      put(from, "/v1/agent/check/pass/web-1:ttl?note=alive", "");
      for (String v : List.of("1", "2")) {
        put(
            from,
            "/v1/agent/service/register",
            """
            {"ID": "api-%s", "Name": "api", "Address": "10.0.1.%s", "Port": 9000,
             "Meta": {"version": "%s"}}
            """
                .formatted(v, v, v));
      }
      put(from, "/v1/agent/service/maintenance/api-2?enable=true&reason=disk%20swap", "");
      // Written so that the splitter and the resolver come before what they need.
      put(
          from,
          "/v1/config",
          "{\"Kind\": \"service-defaults\", \"Name\": \"api\", \"Protocol\": \"http\"}");
      put(
          from,
          "/v1/config",
          """
          {"Kind": "service-resolver", "Name": "api",
           "Subsets": {"v1": {"Filter": "Service.Meta.version == 1"},
                       "v2": {"Filter": "Service.Meta.version == 2"}}}
          """);
      put(
          from,
          "/v1/config",
          """
          {"Kind": "service-splitter", "Name": "api",
           "Splits": [{"Weight": 90, "ServiceSubset": "v1"}, {"Weight": 10, "ServiceSubset": "v2"}]}
          """);
      put(
          from,
          "/v1/config",
          """
          {"Kind": "service-intentions", "Name": "api", "Meta": {"owner": "team-a"},
           "Sources": [{"Name": "web", "Permissions": [{"Action": "allow",
                        "HTTP": {"PathPrefix": "/v1", "Methods": ["GET"]}}]},
                       {"Name": "*", "Action": "deny"}]}
          """);

      // The TCP check's first probe writes its output; copy after it, so both sides settle alike.
      await(
          () -> !get(from + "/v1/agent/checks").get("web-1:tcp").get("Output").asText().isEmpty());

      Run copy = run(List.of(script.toString(), from, to));
      assertThat(copy.exit()).as(copy.output()).isZero();
      assertThat(copy.output()).contains("0 failed");
      await(() -> !get(to + "/v1/agent/checks").get("web-1:tcp").get("Output").asText().isEmpty());
      List<String> paths =
          new ArrayList<>(
              List.of("/v1/agent/services", "/v1/agent/checks", "/v1/connect/intentions"));
      for (String kind :
          List.of(
              "service-defaults", "service-resolver", "service-splitter", "service-intentions")) {
        paths.add("/v1/config/" + kind);
      }
      for (String path : paths) {
        assertThat(withoutIndexes(get(to + path)))
            .as(path)
            .isEqualTo(withoutIndexes(get(from + path)));
      }
      JsonNode tcp = get(to + "/v1/agent/checks").get("web-1:tcp").get("Definition");
      assertThat(tcp.get("SuccessBeforePassing").asInt()).as("thresholds are carried").isEqualTo(2);

      Run again = run(List.of(script.toString(), from, to));
      assertThat(again.exit()).as("a second run converges: " + again.output()).isZero();
      assertThat(withoutIndexes(get(to + "/v1/agent/checks")))
          .isEqualTo(withoutIndexes(get(from + "/v1/agent/checks")));
    }
  }

  @Test
  void copiesWhatAConsulClusterAnswers(@TempDir Path tmp) throws Exception {
    HttpServer consul = fakeConsul();
    try (CairnProcess target = CairnProcess.server(tmp.resolve("b"))) {
      String to = "http://127.0.0.1:" + target.awaitHttpPort(START);
      String from = "http://127.0.0.1:" + consul.getAddress().getPort();
      Run copy = run(List.of(script.toString(), "--ttl", "45s", from, to));
      assertThat(copy.exit()).as(copy.output()).isZero();
      assertThat(copy.output())
          .contains("SKIPPED service consul")
          .contains("SKIPPED mesh-gateway on node-a: Cairn has no mesh-gateway")
          .contains("SKIPPED check web-script (script) of web")
          .contains("the one on node-b becomes web-node-b");

      JsonNode services = get(to + "/v1/agent/services");
      assertThat(services.fieldNames())
          .toIterable()
          .containsExactlyInAnyOrder("web", "web-node-b", "api-1");
      assertThat(services.get("web").get("Address").asText())
          .as("Consul's empty service address means the node's")
          .isEqualTo("10.0.0.11");
      assertThat(services.get("web-node-b").get("Address").asText()).isEqualTo("10.0.0.12");

      JsonNode checks = get(to + "/v1/agent/checks");
      assertThat(checks.fieldNames())
          .toIterable()
          .containsExactlyInAnyOrder(
              "service:web", "service:web-node-b", "_service_maintenance:web-node-b", "api-1:http");
      assertThat(checks.get("service:web").get("Definition").get("TTL").asText()).isEqualTo("45s");
      assertThat(checks.get("service:web").get("Status").asText()).isEqualTo("passing");
      assertThat(checks.get("service:web-node-b").get("Status").asText()).isEqualTo("warning");
      assertThat(checks.get("_service_maintenance:web-node-b").get("Notes").asText())
          .isEqualTo("disk swap");
      JsonNode http = checks.get("api-1:http").get("Definition");
      assertThat(http.get("HTTP").asText()).isEqualTo("http://10.0.2.1:9000/health");
      assertThat(http.get("Interval").asText()).isEqualTo("10s");

      assertThat(get(to + "/v1/config/service-defaults/api").get("Protocol").asText())
          .isEqualTo("http");
      assertThat(get(to + "/v1/config/proxy-defaults/global").at("/Config/protocol").asText())
          .isEqualTo("http");
      assertThat(
              get(to + "/v1/connect/intentions/check?source=web&destination=api")
                  .get("Allowed")
                  .asBoolean())
          .isTrue();
      assertThat(
              get(to + "/v1/connect/intentions/exact?source=*&destination=db")
                  .get("Action")
                  .asText())
          .as("a legacy intention, not among the config entries")
          .isEqualTo("deny");
    } finally {
      consul.stop(0);
    }
  }

  /**
   * Serves src/test/resources/consul-export: /v1/health/service/web is v1_health_service_web.json.
   */
  private static HttpServer fakeConsul() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String file = exchange.getRequestURI().getPath().substring(1).replace('/', '_') + ".json";
          byte[] body;
          int status;
          try (var in = CairnCopyIT.class.getResourceAsStream("/consul-export/" + file)) {
            status = in == null ? 404 : 200;
            body = in == null ? "not found".getBytes(StandardCharsets.UTF_8) : in.readAllBytes();
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return server;
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Condition condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.holds()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command + "\n" + output);
    }
    return new Run(p.exitValue(), output);
  }

  private static void put(String base, String path, String body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The answer without CreateIndex and ModifyIndex, which the target counts itself. */
  private static JsonNode withoutIndexes(JsonNode node) {
    JsonNode copy = node.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode o) {
      o.remove(List.of("CreateIndex", "ModifyIndex"));
    }
    node.forEach(CairnCopyIT::strip);
  }
}
