package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.admin.AdminServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Writes that would make a service's discovery chain loop, or leave its services disagreeing on
 * protocol, are refused over HTTP, as in Consul.
 */
class DiscoveryChainIT {
  private static final String WEB_SPLITTER =
      "{\"Kind\":\"service-splitter\",\"Name\":\"web\",\"Splits\":[{\"Weight\":90},"
          + "{\"Weight\":10,\"Service\":\"api\"}]}";

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
    http("c");
    ok(
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-splitter\",\"Name\":\"b\",\"Splits\":[{\"Weight\":10},{\"Weight\":90,\"Service\":\"c\"}]}"));
  }

  @Test
  void aSplitToAServiceOfAnotherProtocolIsRefusedUntilTheyAgree() {
    http("web");

    Reply tcp = api.put("/v1/config", WEB_SPLITTER);

    assertThat(tcp.status()).as(tcp.body()).isEqualTo(400);
    assertThat(tcp.json().get("Problems").toString())
        .contains(
            "chain.web: discovery chain \\\"web\\\" uses inconsistent protocols; service"
                + " \\\"api\\\" has \\\"tcp\\\" which is not \\\"http\\\"");
    assertThat(api.get("/v1/config/service-splitter/web").status()).isEqualTo(404);

    http("api");
    ok(api.put("/v1/config", WEB_SPLITTER));
    assertThat(api.get("/v1/config/service-splitter/web").status()).isEqualTo(200);
  }

  @Test
  void aServiceDefaultsChangeOrDeletionThatBreaksAChainIsRefused() {
    http("web");
    http("api");
    ok(api.put("/v1/config", WEB_SPLITTER));

    Reply grpc =
        api.put(
            "/v1/config", "{\"Kind\":\"service-defaults\",\"Name\":\"api\",\"Protocol\":\"grpc\"}");
    assertThat(grpc.status()).as(grpc.body()).isEqualTo(400);
    assertThat(grpc.json().get("Problems").toString())
        .contains(
            "discovery chain \\\"web\\\" uses inconsistent protocols; service \\\"api\\\" has"
                + " \\\"grpc\\\" which is not \\\"http\\\"");

    Reply deleted = api.delete("/v1/config/service-defaults/api");
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(400);
    assertThat(deleted.json().get("Problems").toString())
        .contains("service \\\"api\\\" has \\\"tcp\\\" which is not \\\"http\\\"");
    assertThat(api.get("/v1/config/service-defaults/api").json().get("Protocol").asText())
        .isEqualTo("http");

    // Once web no longer splits to api, api's protocol is its own business again.
    ok(api.delete("/v1/config/service-splitter/web"));
    ok(api.delete("/v1/config/service-defaults/api"));
  }
}
