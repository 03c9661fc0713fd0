package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.admin.AdminServer.Reply;
import io.cairn.admin.http.HttpLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The admin API's limits over HTTP: what a client gets past them, and the metric. */
class HttpLimitsIT {
  private static double limited(AdminServer api, String limit) {
    var counter = api.meters().find("cairn.http.limited").tag("limit", limit).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void blockingQueriesOverTheCapGet429AtOnce() throws Exception {
    try (AdminServer api = AdminServer.start(new HttpLimits(2, 0, 0, 16_384, 10_000))) {
      long index = api.get("/v1/catalog/services").index();
      List<CompletableFuture<Reply>> waiting = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        waiting.add(
            CompletableFuture.supplyAsync(
                () -> api.get("/v1/catalog/services?index=" + index + "&wait=30s")));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (api.meters().get("cairn.http.blocking.queries").gauge().value() < 2
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Reply third = api.get("/v1/health/service/web?index=" + index + "&wait=30s");
      assertThat(third.status()).isEqualTo(429);
      assertThat(third.header("Retry-After")).contains("1");
      assertThat(third.json().get("Error").asText())
          .contains("too many blocking queries", "http.max-blocking-queries");
      assertThat(limited(api, "blocking-queries")).isEqualTo(1);
      // Reads that do not wait are not limited.
      assertThat(api.get("/v1/catalog/services").status()).isEqualTo(200);
      assertThat(api.get("/v1/catalog/services?index=0").status()).isEqualTo(200);

      assertThat(api.put("/v1/agent/service/register", "{\"Name\":\"web\"}").status())
          .isEqualTo(200);
      for (CompletableFuture<Reply> w : waiting) {
        assertThat(w.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
      // The permits came back.
      assertThat(api.get("/v1/catalog/services?index=1&wait=10ms").status()).isEqualTo(200);
    }
  }

  @Test
  void aClientWritingTooFastGets429WithRetryAfterAndReadsStayOpen() {
    try (AdminServer api = AdminServer.start(new HttpLimits(100, 1, 5, 16_384, 10_000))) {
      for (int i = 0; i < 5; i++) {
        Reply ok = api.put("/v1/agent/service/register", "{\"ID\":\"w-" + i + "\",\"Name\":\"w\"}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      }
      Reply refused = api.put("/v1/agent/service/register", "{\"ID\":\"w-9\",\"Name\":\"w\"}");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.header("Retry-After")).contains("1");
      assertThat(refused.json().get("Error").asText())
          .contains("too many writes from this client", "http.write-rate-per-client");
      assertThat(limited(api, "write-rate")).isEqualTo(1);
      // Nothing of the refused write was applied, and reads are not limited.
      assertThat(api.registry().snapshot().instance("w-9")).isEmpty();
      assertThat(api.registry().snapshot().instanceCount()).isEqualTo(5);
      for (int i = 0; i < 20; i++) {
        assertThat(api.get("/v1/health/service/w").status()).isEqualTo(200);
      }
    }
  }

  @Test
  void headersOverTheLimitGetAJsonErrorAndCount() throws Exception {
    try (AdminServer api = AdminServer.start(new HttpLimits(100, 0, 0, 2048, 10_000))) {
      Reply big = api.send("GET", "/v1/catalog/services", null, "X-Big", "a".repeat(4096));
      assertThat(big.status()).isEqualTo(400);
      assertThat(big.json().get("StatusCode").asInt()).isEqualTo(400);
      assertThat(big.json().get("Error").asText()).contains("http.max-header-size (2048 bytes)");
      assertThat(limited(api, "transport-bad-request")).isEqualTo(1);
      Reply small = api.send("GET", "/v1/catalog/services", null, "X-Small", "a".repeat(512));
      assertThat(small.status()).isEqualTo(200);
    }
  }

  @Test
  void connectionsOverTheLimitWaitUntilOneCloses() throws Exception {
    try (AdminServer api = AdminServer.start(new HttpLimits(100, 0, 0, 16_384, 2))) {
      java.net.Socket first = new java.net.Socket("127.0.0.1", api.port());
      java.net.Socket second = new java.net.Socket("127.0.0.1", api.port());
      Thread.sleep(300);
      CompletableFuture<Integer> third =
          CompletableFuture.supplyAsync(() -> rawGet(api.port(), "/v1/catalog/services"));
      Thread.sleep(1000);
      assertThat(third).as("waits while two connections are open").isNotDone();
      first.close();
      assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo(200);
      second.close();
    }
  }

  /** One request on a fresh connection (the JDK client would reuse a pooled one). */
  private static int rawGet(int port, String path) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String status =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      s.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
