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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged {@link GreeterApplication}, unchanged, against the packaged Cairn, both as child
 * processes on loopback: Spring Cloud Consul reads its property from Cairn's KV at start-up
 * (fail-fast), follows a change through its config watch (blocking KV queries), registers the
 * application with its actuator health check, which Cairn probes and reports passing, and its
 * DiscoveryClient finds the application through Cairn's health API for a call to it.
 */
class SpringCloudConsulIT {
  /** Generous: a JVM start and Spring's context on a busy two-core machine. */
  private static final Duration START = Duration.ofSeconds(120);

  /** The config watch polls after a 500 ms delay; a refresh rebuilds the scoped bean. */
  private static final Duration CHANGE = Duration.ofSeconds(60);

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String KEY = "config/greeter/greeting";

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

      int port = freePort();
      String app = "http://127.0.0.1:" + port;
      try (JarProcess greeter =
          JarProcess.start(
              "greeter",
              "spring.example.jar",
              List.of(),
              List.of(
                  "--server.port=" + port,
                  "--spring.cloud.consul.host=127.0.0.1",
                  "--spring.cloud.consul.port=" + consulPort))) {
        try {
          checkAgainst(consul, app, port, greeter);
        } catch (AssertionError | Exception e) {
          System.err.println("cairn output:\n" + cairn.output());
          System.err.println("greeter output:\n" + greeter.output());
          throw e;
        }
      }
    }
  }

  /** Steps (1) to (4) of the class comment, then a graceful stop that deregisters. */
  private void checkAgainst(String consul, String app, int port, JarProcess greeter)
      throws Exception {
    greeter.awaitLine(l -> l.contains("Started GreeterApplication"), START);

    // (1) Read from Cairn's KV while the context started.
    assertThat(get(app + "/greeting")).isEqualTo("hello from cairn");

    // (2) The config watch sees the change and refreshes the scoped bean.
    put(consul + "/v1/kv/" + KEY, "changed in cairn");
    await()
        .atMost(CHANGE)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(get(app + "/greeting")).isEqualTo("changed in cairn"));

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

    // (4) Its DiscoveryClient finds it through Cairn, and the call to that address succeeds.
    assertThat(get(app + "/call/greeter")).isEqualTo(app + " changed in cairn");

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
