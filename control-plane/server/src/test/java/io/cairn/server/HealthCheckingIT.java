package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health checking as a user meets it: the packaged server, Consul-style registrations over HTTP,
 * real local applications that the test stops and restarts, and {@code ?passing} reads.
 */
class HealthCheckingIT {
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration SOON = Duration.ofSeconds(10);

  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private CairnProcess cairn;
  private int port;

  @BeforeEach
  void start() throws Exception {
    startCairn();
  }

  @AfterEach
  void stop() {
    cairn.close();
  }

  private void startCairn() throws Exception {
    cairn =
        CairnProcess.start(List.of("server", "--data-dir", dataDir.toString(), "--http-port", "0"));
    port = cairn.awaitHttpPort(START);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void put(String path, String body) throws Exception {
    HttpResponse<String> response = send("PUT", path, body);
    assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
  }

  /** Instance ids in {@code /v1/health/service/NAME?passing}. */
  private List<String> passing(String service) throws Exception {
    JsonNode rows =
        json.readTree(send("GET", "/v1/health/service/" + service + "?passing", "").body());
    List<String> ids = new ArrayList<>();
    rows.forEach(row -> ids.add(row.path("Service").path("ID").asText()));
    return ids;
  }

  private String checkStatus(String service, String checkId) throws Exception {
    JsonNode rows = json.readTree(send("GET", "/v1/health/checks/" + service, "").body());
    for (JsonNode row : rows) {
      if (row.path("CheckID").asText().equals(checkId)) {
        return row.path("Status").asText();
      }
    }
    return "absent";
  }

  private static HttpServer app(int onPort) throws IOException {
    HttpServer app =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
    app.createContext(
        "/health",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    app.start();
    return app;
  }

  @Test
  void anInstanceLeavesPassingResultsWhenItsAppStopsAndReturnsWithIt() throws Exception {
    HttpServer app = app(0);
    int appPort = app.getAddress().getPort();
    try (ServerSocket tcpApp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      put(
          "/v1/agent/service/register",
          """
          {"ID":"web-1","Name":"web","Address":"127.0.0.1","Port":%d,
           "Check":{"HTTP":"http://127.0.0.1:%d/health","Interval":"200ms","Timeout":"1s"}}"""
              .formatted(appPort, appPort));
      put(
          "/v1/agent/service/register",
          """
          {"ID":"web-2","Name":"web","Address":"127.0.0.1","Port":%d,
           "Check":{"TCP":"127.0.0.1:%d","Interval":"200ms","Timeout":"1s"}}"""
              .formatted(tcpApp.getLocalPort(), tcpApp.getLocalPort()));
      await().atMost(SOON).until(() -> passing("web").equals(List.of("web-1", "web-2")));

      app.stop(0);
      await().atMost(SOON).until(() -> passing("web").equals(List.of("web-2")));
      assertThat(checkStatus("web", "service:web-1")).isEqualTo("critical");

      app = app(appPort);
      await().atMost(SOON).until(() -> passing("web").equals(List.of("web-1", "web-2")));
    } finally {
      app.stop(0);
    }
    await().atMost(SOON).until(() -> passing("web").equals(List.of()));
  }

  @Test
  void ttlChecksStayPassingWhileReportedAndExpireWhenNot() throws Exception {
    put(
        "/v1/agent/service/register",
        """
        {"ID":"api-1","Name":"api","Port":9000,"Check":{"TTL":"1s","Status":"passing"}}""");
    long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
    while (System.nanoTime() < until) {
      put("/v1/agent/check/pass/service:api-1?note=alive", "");
      assertThat(passing("api")).containsExactly("api-1");
      Thread.sleep(250);
    }
    await().atMost(SOON).until(() -> passing("api").isEmpty());
    assertThat(checkStatus("api", "service:api-1")).isEqualTo("critical");
    put("/v1/agent/check/pass/service:api-1", "");
    assertThat(passing("api")).containsExactly("api-1");
  }

  @Test
  void instancesCriticalForTooLongAreDeregistered() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    put(
        "/v1/agent/service/register",
        """
        {"ID":"gone-1","Name":"gone","Port":%d,
         "Check":{"TCP":"127.0.0.1:%d","Interval":"200ms","DeregisterCriticalServiceAfter":"1s"}}"""
            .formatted(closedPort, closedPort));
    assertThat(send("GET", "/v1/catalog/service/gone", "").body()).contains("gone-1");
    await()
        .atMost(SOON)
        .until(() -> send("GET", "/v1/catalog/service/gone", "").body().equals("[]"));
  }

  @Test
  void maintenanceTakesAnInstanceOutAndSurvivesARestart() throws Exception {
    put(
        "/v1/agent/service/register",
        """
        {"ID":"db-1","Name":"db","Port":5432,"Check":{"TTL":"1h","Status":"passing"}}""");
    assertThat(passing("db")).containsExactly("db-1");
    put("/v1/agent/service/maintenance/db-1?enable=true&reason=upgrade", "");
    assertThat(passing("db")).isEmpty();
    assertThat(checkStatus("db", "_service_maintenance:db-1")).isEqualTo("critical");

    assertThat(cairn.terminate(Duration.ofSeconds(20))).isEqualTo(143);
    startCairn();
    assertThat(passing("db")).as("still in maintenance after a restart").isEmpty();
    assertThat(checkStatus("db", "_service_maintenance:db-1")).isEqualTo("critical");

    put("/v1/agent/service/maintenance/db-1?enable=false", "");
    assertThat(passing("db")).containsExactly("db-1");
  }
}
