package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.admin.AdminServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Writes that would make a service's discovery chain loop are refused over HTTP, as in Consul. */
class DiscoveryChainIT {
  private AdminServer api;

  @BeforeEach
  void start() {
    api = AdminServer.start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private void ok(Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private void http(String service) {
    ok(
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-defaults\",\"Name\":\"" + service + "\",\"Protocol\":\"http\"}"));
  }

  @Test
  void aRedirectLoopIsRefusedAndNotStored() {
    ok(
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-resolver\",\"Name\":\"a\",\"Redirect\":{\"Service\":\"b\"}}"));
    ok(
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-resolver\",\"Name\":\"b\",\"Redirect\":{\"Service\":\"c\"}}"));

    Reply loop =
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-resolver\",\"Name\":\"c\",\"Redirect\":{\"Service\":\"a\"}}");

    assertThat(loop.status()).as(loop.body()).isEqualTo(400);
    assertThat(loop.json().get("Problems").toString())
        .contains("redirect loop: a -> b -> c -> a")
        .contains("redirect loop: c -> a -> b -> c");
    assertThat(api.get("/v1/config/service-resolver/c").status()).isEqualTo(404);
    // A redirect that ends somewhere is fine, and so is failover back to a service on the way.
    ok(
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-resolver\",\"Name\":\"c\",\"Failover\":{\"*\":{\"Service\":\"a\"}}}"));
  }

  @Test
  void aSplitterLoopIsRefused() {
    http("a");
    http("b");
    ok(
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-splitter\",\"Name\":\"a\",\"Splits\":[{\"Weight\":50},{\"Weight\":50,\"Service\":\"b\"}]}"));

    Reply loop =
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-splitter\",\"Name\":\"b\",\"Splits\":[{\"Weight\":10},{\"Weight\":90,\"Service\":\"a\"}]}");

    assertThat(loop.status()).as(loop.body()).isEqualTo(400);
    assertThat(loop.json().get("Problems").toString()).contains("splitter loop: b -> a -> b");
    assertThat(api.get("/v1/config/service-splitter/b").status()).isEqualTo(404);
    // A split to a service without a splitter ends at its resolver.
    ok(
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-splitter\",\"Name\":\"b\",\"Splits\":[{\"Weight\":10},{\"Weight\":90,\"Service\":\"c\"}]}"));
  }
}
