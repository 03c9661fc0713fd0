package io.cairn.example.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged {@link GreeterApplication}, unchanged, against the packaged Cairn, both as child
 * processes on loopback: Spring Cloud Consul reads its property from Cairn's KV at start-up
 * (fail-fast), follows a change through its config watch (blocking KV queries), registers the
 * application with its actuator health check, which Cairn probes and reports passing, and a second
 * application (the same jar as {@code caller}, its configuration one YAML document under {@code
 * config/caller/data}, also followed) finds the first through Cairn with its DiscoveryClient and
 * calls it.
 */
class SpringCloudConsulIT {
  /** Generous: a JVM start and Spring's context on a busy two-core machine. */
  private static final Duration START = Duration.ofSeconds(120);

  /** The config watch polls after a 500 ms delay; a refresh rebuilds the scoped bean. */
  private static final Duration CHANGE = Duration.ofSeconds(60);

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String KEY = "config/greeter/greeting";
  private static final String CALLER_DATA_KEY = "config/caller/data";

  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void springCloudConsulConfigAndDiscoveryWorkAgainstCairn() throws Exception {
    try (JarProcess cairn =
        JarProcess.start(
            "cairn",
            "cairn.server.jar",
            List.of("--enable-native-access=ALL-UNNAMED"),
            List.of(
                "server",
                "--data-dir",
                dataDir.toString(),
                "--http-port",
                "0",
                "--dns-port",
                "0",
                "--xds-port",
                "0"))) {
      int consulPort = cairn.awaitLoggedPort("admin API listening", "port", START);
      String consul = "http://127.0.0.1:" + consulPort;
      put(consul + "/v1/kv/" + KEY, "hello from cairn");

      // The second application reads its own greeting from one YAML document under the
      // format's data key, config/<name>/data, instead of one key per property.
      put(consul + "/v1/kv/" + CALLER_DATA_KEY, "greeting: hello from yaml\n");

      int port = freePort();
      int callerPort = freePort();
      String app = "http://127.0.0.1:" + port;
      String caller = "http://127.0.0.1:" + callerPort;
      // Both start at once: neither needs the other until the call in step (4).
      try (JarProcess greeter = startApp("greeter", port, consulPort, List.of());
          JarProcess second =
              startApp(
                  "caller",
                  callerPort,
                  consulPort,
                  List.of(
                      "--spring.application.name=caller",
                      "--spring.cloud.consul.config.format=YAML"))) {
        try {
          checkAgainst(consul, app, port, greeter, caller, second);
        } catch (AssertionError | Exception e) {
          System.err.println("cairn output:\n" + cairn.output());
          System.err.println("greeter output:\n" + greeter.output());
          System.err.println("caller output:\n" + second.output());
          throw e;
        }
      }
    }
  }

  /** The packaged application on {@code port}, pointed at Cairn by host and port only. */
  private static JarProcess startApp(String name, int port, int consulPort, List<String> more)
      throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--server.port=" + port);
    args.add("--spring.cloud.consul.host=127.0.0.1");
    args.add("--spring.cloud.consul.port=" + consulPort);
    args.addAll(more);
    // C1 only: halves each start (two Spring contexts at once on two cores), nothing else changes.
    return JarProcess.start(name, "spring.example.jar", List.of("-XX:TieredStopAtLevel=1"), args);
  }

  /** Steps (1) to (4) of the class comment, then a graceful stop that deregisters. */
  private void checkAgainst(
      String consul, String app, int port, JarProcess greeter, String caller, JarProcess second)
      throws Exception {
    greeter.awaitLine(l -> l.contains("Started GreeterApplication"), START);
    second.awaitLine(l -> l.contains("Started GreeterApplication"), START);

    // (1) Read from Cairn's KV while the context started.
    assertThat(get(app + "/greeting")).isEqualTo("hello from cairn");
    assertThat(get(caller + "/greeting")).isEqualTo("hello from yaml");

    // (2) The config watch sees the change and refreshes the scoped bean; the second
    // application's watch sees its YAML document change the same way.
    put(consul + "/v1/kv/" + KEY, "changed in cairn");
    put(consul + "/v1/kv/" + CALLER_DATA_KEY, "greeting: changed yaml\n");
    await()
        .atMost(CHANGE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(get(app + "/greeting")).isEqualTo("changed in cairn"));
    await()
        .atMost(CHANGE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(get(caller + "/greeting")).isEqualTo("changed yaml"));

    // (3) Registered with its actuator health check; Cairn probes it and reports passing.
    await()
        .atMost(START)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(json(consul + "/v1/health/service/greeter?passing").size())
                    .as(greeter.output())
                    .isEqualTo(1));
    JsonNode entry = json(consul + "/v1/health/service/greeter").get(0);
    assertThat(entry.path("Service").path("Address").asString()).isEqualTo("127.0.0.1");
    assertThat(entry.path("Service").path("Port").asInt()).isEqualTo(port);
    JsonNode serviceCheck = serviceCheck(entry.path("Checks"));
    assertThat(serviceCheck.path("Status").asString()).isEqualTo("passing");
    assertThat(serviceCheck.path("Output").asString())
        .contains(app + "/actuator/health: 200")
        .contains("\"status\":\"UP\"");

    assertThat(json(consul + "/v1/catalog/service/greeter").size()).isEqualTo(1);

    // (4) The second application's DiscoveryClient finds it through Cairn's health API, and
    // the call to the discovered address reaches it.
    assertThat(get(caller + "/call/greeter")).isEqualTo(app + " changed in cairn");

    // A graceful stop deregisters it.
    greeter.terminate(Duration.ofSeconds(30));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(json(consul + "/v1/catalog/service/greeter").size()).isZero());
  }

  private static JsonNode serviceCheck(JsonNode checks) {
    for (JsonNode check : checks) {
      if (!check.path("ServiceID").asString().isEmpty()) {
        return check;
      }
    }
    throw new AssertionError("no service check in " + checks);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private JsonNode json(String url) throws Exception {
    return JSON.readTree(get(url));
  }

  private String get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
    return r.body();
  }

  private void put(String url, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("PUT %s: %s", url, r.body()).isEqualTo(200);
  }
}
