package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.AdminServer.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Connect.SidecarService} over HTTP: a service and its sidecar are one write, and the
 * sidecar's port is picked by the registry writer, so concurrent registrations never share one.
 */
class SidecarRegistrationIT {
  private static final int REGISTRATIONS = 200;
  private static final int THREADS = 16;

  private AdminServer api;

  @BeforeEach
  void start() {
    api = AdminServer.start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void concurrentRegistrationsGetDistinctSidecarPorts() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<Integer>> statuses = new ArrayList<>();
    try {
      for (int i = 0; i < REGISTRATIONS; i++) {
        String body =
            "{\"ID\": \"app-%d\", \"Name\": \"app\", \"Port\": %d, \"Connect\": {\"SidecarService\": {}}}"
                .formatted(i, 8000 + i);
        statuses.add(pool.submit(() -> api.put("/v1/agent/service/register", body).status()));
      }
      for (Future<Integer> status : statuses) {
        assertThat(status.get(2, TimeUnit.MINUTES)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }

    Map<Integer, List<String>> sidecarsByPort = new TreeMap<>();
    api.get("/v1/agent/services")
        .json()
        .forEach(
            s -> {
              if (s.get("Kind") != null && s.get("Kind").asText().equals("connect-proxy")) {
                sidecarsByPort
                    .computeIfAbsent(s.get("Port").asInt(), p -> new ArrayList<>())
                    .add(s.get("ID").asText());
              }
            });
    assertThat(sidecarsByPort.values().stream().mapToInt(List::size).sum())
        .isEqualTo(REGISTRATIONS);
    Map<Integer, List<String>> shared = new TreeMap<>(sidecarsByPort);
    shared.values().removeIf(ids -> ids.size() == 1);
    assertThat(shared).as("sidecars sharing a port").isEmpty();
    assertThat(sidecarsByPort.keySet())
        .as("the lowest ports of Consul's sidecar range")
        .containsExactlyElementsOf(IntStream.range(21000, 21000 + REGISTRATIONS).boxed().toList());
  }

  @Test
  void aSidecarServiceWithoutALocalityRunsWhereItsServiceDoes() throws Exception {
    Reply r =
        api.put(
            "/v1/agent/service/register",
            """
            {"ID":"web-1","Name":"web","Port":8080,"Locality":{"Region":"eu","Zone":"a"},
             "Connect":{"SidecarService":{}}}
            """);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode sidecar = api.get("/v1/agent/service/web-1-sidecar-proxy").json();
    assertThat(sidecar.get("Locality").get("Region").asText()).isEqualTo("eu");
    assertThat(sidecar.get("Locality").get("Zone").asText()).isEqualTo("a");
    // Its own Locality wins.
    r =
        api.put(
            "/v1/agent/service/register",
            """
            {"ID":"web-2","Name":"web","Port":8081,"Locality":{"Region":"eu","Zone":"a"},
             "Connect":{"SidecarService":{"Locality":{"Region":"eu","Zone":"b"}}}}
            """);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(
            api.get("/v1/agent/service/web-2-sidecar-proxy")
                .json()
                .get("Locality")
                .get("Zone")
                .asText())
        .isEqualTo("b");
  }

  @Test
  void aRejectedSidecarRegistersNeitherItNorItsService() {
    api.put(
        "/v1/agent/service/register",
        "{\"ID\": \"other\", \"Name\": \"other\", \"Port\": 1, \"Check\": {\"CheckID\": \"taken\", \"TTL\": \"5s\"}}");

    Reply put =
        api.put(
            "/v1/agent/service/register",
            """
            {"ID": "web-1", "Name": "web", "Port": 8080,
             "Connect": {"SidecarService": {"Check": {"CheckID": "taken", "TTL": "5s"}}}}
            """);

    assertThat(put.status()).isEqualTo(400);
    assertThat(put.json().get("Problems").toString()).contains("taken");
    JsonNode services = api.get("/v1/agent/services").json();
    assertThat(services.fieldNames()).toIterable().containsExactly("other");
  }

  @Test
  void reRegisteringKeepsTheSidecarPortAndAnExplicitPortIsUsedAsGiven() {
    String web1 =
        "{\"ID\": \"web-1\", \"Name\": \"web\", \"Port\": 8080, \"Connect\": {\"SidecarService\": {}}}";
    api.put("/v1/agent/service/register", web1);
    api.put(
        "/v1/agent/service/register",
        "{\"ID\": \"web-2\", \"Name\": \"web\", \"Port\": 8081, \"Connect\": {\"SidecarService\": {\"Port\": 21000}}}");
    api.put("/v1/agent/service/register", web1);

    assertThat(api.get("/v1/agent/service/web-1-sidecar-proxy").json().get("Port").asInt())
        .as("an existing sidecar keeps its port")
        .isEqualTo(21000);
    assertThat(api.get("/v1/agent/service/web-2-sidecar-proxy").json().get("Port").asInt())
        .as("an explicit port, even one another sidecar uses")
        .isEqualTo(21000);
    api.put(
        "/v1/agent/service/register",
        "{\"ID\": \"web-3\", \"Name\": \"web\", \"Port\": 8082, \"Connect\": {\"SidecarService\": {}}}");
    assertThat(api.get("/v1/agent/service/web-3-sidecar-proxy").json().get("Port").asInt())
        .isEqualTo(21001);
  }
}
