package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.AdminServer.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Catalog and health reads, filters and blocking queries over HTTP. */
class CatalogHealthIT {
  private AdminServer api;

  @BeforeEach
  void start() {
    api = AdminServer.start();
    register("web-1", "web", "[\"v1\", \"primary\"]", "{\"version\": \"1\"}", "passing");
    register("web-2", "web", "[\"v2\"]", "{\"version\": \"2\"}", "warning");
    register("web-3", "web", "[\"v2\", \"canary\"]", "{\"version\": \"2\"}", "critical");
    register("db-1", "db", "[]", "{}", "passing");
  }

  private void register(String id, String name, String tags, String meta, String status) {
    Reply r =
        api.put(
            "/v1/agent/service/register",
            """
            {"ID": "%s", "Name": "%s", "Port": 8080, "Address": "10.0.0.1", "Tags": %s, "Meta": %s,
             "Check": {"CheckID": "%s:ttl", "TTL": "60s", "Status": "%s"}}
            """
                .formatted(id, name, tags, meta, id, status));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static List<String> ids(JsonNode entries) {
    List<String> ids = new ArrayList<>();
    entries.forEach(
        e ->
            ids.add(
                e.has("Service")
                    ? e.get("Service").get("ID").asText()
                    : e.get("ServiceID").asText()));
    return ids;
  }

  @Test
  void catalogListsServicesWithTheirTags() {
    Reply r = api.get("/v1/catalog/services");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("web"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("v1", "primary", "v2", "canary");
    assertThat(r.json().get("db").size()).isZero();
    assertThat(r.index()).isPositive();
    assertThat(r.header("X-Consul-KnownLeader")).contains("true");
  }

  @Test
  void catalogServiceRowsHaveServiceFieldsAndFilterByTag() {
    JsonNode rows = api.get("/v1/catalog/service/web?tag=v2").json();
    assertThat(ids(rows)).containsExactly("web-2", "web-3");
    JsonNode row = rows.get(0);
    assertThat(row.get("ServiceName").asText()).isEqualTo("web");
    assertThat(row.get("ServiceAddress").asText()).isEqualTo("10.0.0.1");
    assertThat(row.get("ServicePort").asInt()).isEqualTo(8080);
    assertThat(row.get("Node").asText()).isEqualTo("cairn-test");
    assertThat(row.get("Datacenter").asText()).isEqualTo("dc1");
    assertThat(ids(api.get("/v1/catalog/service/web?tag=v2&tag=canary").json()))
        .containsExactly("web-3");
    assertThat(api.get("/v1/catalog/service/nothing").json().size()).isZero();
  }

  @Test
  void healthPassingLeavesOutWarningCriticalAndMaintenance() {
    assertThat(ids(api.get("/v1/health/service/web").json()))
        .containsExactly("web-1", "web-2", "web-3");
    assertThat(ids(api.get("/v1/health/service/web?passing").json())).containsExactly("web-1");
    assertThat(ids(api.get("/v1/health/service/web?passing=false").json())).hasSize(3);

    JsonNode entry = api.get("/v1/health/service/web?passing").json().get(0);
    assertThat(entry.get("Node").get("Node").asText()).isEqualTo("cairn-test");
    assertThat(entry.get("Checks"))
        .extracting(c -> c.get("CheckID").asText())
        .containsExactly("serfHealth", "web-1:ttl");

    api.put("/v1/agent/service/maintenance/web-1?enable=true&reason=patch", null);
    assertThat(ids(api.get("/v1/health/service/web?passing").json())).isEmpty();
    api.put("/v1/agent/service/maintenance/web-1?enable=false", null);
    assertThat(ids(api.get("/v1/health/service/web?passing").json())).containsExactly("web-1");
  }

  @Test
  void healthChecksAndStateListChecks() {
    assertThat(api.get("/v1/health/checks/web").json())
        .extracting(c -> c.get("CheckID").asText())
        .containsExactly("web-1:ttl", "web-2:ttl", "web-3:ttl");
    assertThat(api.get("/v1/health/state/critical").json())
        .extracting(c -> c.get("CheckID").asText())
        .containsExactly("web-3:ttl");
    assertThat(api.get("/v1/health/state/passing").json())
        .extracting(c -> c.get("CheckID").asText())
        .containsExactly("serfHealth", "db-1:ttl", "web-1:ttl");
    assertThat(api.get("/v1/health/state/any").json().size()).isEqualTo(5);
    assertThat(api.get("/v1/health/state/sick").status()).isEqualTo(400);
  }

  @Test
  void filtersSelectOnConsulFieldNames() {
    assertThat(
            ids(
                api.get("/v1/health/service/web?filter=" + enc("Service.Meta.version == \"2\""))
                    .json()))
        .containsExactly("web-2", "web-3");
    assertThat(
            ids(
                api.get("/v1/health/service/web?filter=" + enc("\"canary\" in Service.Tags"))
                    .json()))
        .containsExactly("web-3");
    assertThat(
            ids(
                api.get(
                        "/v1/health/service/web?filter="
                            + enc("Service.Tags contains v1 or Service.ID == \"web-3\""))
                    .json()))
        .containsExactly("web-1", "web-3");
    assertThat(
            ids(
                api.get("/v1/catalog/service/web?filter=" + enc("ServiceMeta.version != \"2\""))
                    .json()))
        .containsExactly("web-1");
    assertThat(api.get("/v1/agent/services?filter=" + enc("Service == db")).json().fieldNames())
        .toIterable()
        .containsExactly("db-1");
    assertThat(api.get("/v1/health/state/any?filter=" + enc("ServiceName == db")).json())
        .extracting(c -> c.get("CheckID").asText())
        .containsExactly("db-1:ttl");

    Reply bad = api.get("/v1/health/service/web?filter=" + enc("Service.Meta.version =="));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("Error").asText()).contains("invalid filter");
    Reply unknown = api.get("/v1/health/service/web?filter=" + enc("Service.Colour == red"));
    assertThat(unknown.status()).isEqualTo(400);
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void blockingQueryReturnsWhenTheServiceChanges() throws Exception {
    Reply first = api.get("/v1/health/service/web?passing");
    long index = first.index();
    CompletableFuture<Reply> blocked =
        CompletableFuture.supplyAsync(
            () -> api.get("/v1/health/service/web?passing&index=" + index + "&wait=30s"));
    Thread.sleep(300);
    assertThat(blocked).as("still waiting for a change").isNotDone();

    // A change to another service does not wake it.
    api.put("/v1/agent/check/fail/db-1:ttl", null);
    Thread.sleep(300);
    assertThat(blocked).isNotDone();

    api.put("/v1/agent/check/pass/web-2:ttl", null);
    Reply woken = blocked.get(10, TimeUnit.SECONDS);
    assertThat(woken.index()).isGreaterThan(index);
    assertThat(ids(woken.json())).containsExactly("web-1", "web-2");
  }

  @Test
  void blockingQueryTimesOutWithTheSameIndex() {
    Reply first = api.get("/v1/catalog/services");
    long start = System.nanoTime();
    Reply same = api.get("/v1/catalog/services?index=" + first.index() + "&wait=400ms");
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(elapsedMs).isGreaterThanOrEqualTo(400);
    assertThat(same.status()).isEqualTo(200);
    assertThat(same.index()).isEqualTo(first.index());
    // An index from the future (after a restore, say) returns at once.
    long t0 = System.nanoTime();
    api.get("/v1/catalog/services?index=" + (first.index() + 1000) + "&wait=30s");
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    assertThat(api.get("/v1/catalog/services?index=abc").status()).isEqualTo(400);
    assertThat(api.get("/v1/catalog/services?index=1&wait=soon").status()).isEqualTo(400);
  }

  @Test
  void indexIsNeverZero() {
    try (AdminServer empty = AdminServer.start()) {
      Reply r = empty.get("/v1/catalog/services");
      assertThat(r.index()).isEqualTo(1);
      assertThat(empty.get("/v1/health/service/none").index()).isEqualTo(1);
    }
  }

  @Test
  void theFirstWriteWakesAQueryThatSawTheEmptyRegistry() throws Exception {
    try (AdminServer empty = AdminServer.start()) {
      long seen = empty.get("/v1/catalog/services").index();
      CompletableFuture<Reply> blocked =
          CompletableFuture.supplyAsync(
              () -> empty.get("/v1/catalog/services?index=" + seen + "&wait=30s"));
      Thread.sleep(300);
      assertThat(blocked).as("still waiting for a change").isNotDone();
      empty.put("/v1/agent/service/register", "{\"ID\":\"web-1\",\"Name\":\"web\"}");
      Reply woken = blocked.get(10, TimeUnit.SECONDS);
      assertThat(woken.index()).isGreaterThan(seen);
      assertThat(woken.json().has("web")).isTrue();
    }
  }
}
