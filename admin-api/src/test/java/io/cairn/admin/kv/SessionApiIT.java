package io.cairn.admin.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.AdminServer;
import io.cairn.admin.AdminServer.Reply;
import io.cairn.registry.config.IntentionAction;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/session} and KV locks over a real socket, with Consul's shapes and answers. */
class SessionApiIT {
  private AdminServer api;

  @BeforeEach
  void start() {
    api = AdminServer.start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private String create(String body) {
    Reply r = api.put("/v1/session/create", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("ID").asText();
  }

  @Test
  void aSessionHasConsulsDefaultsAndShape() {
    String id = create(null);
    Reply info = api.get("/v1/session/info/" + id);
    JsonNode s = info.json().get(0);
    assertThat(s.get("ID").asText()).isEqualTo(id);
    assertThat(s.get("Node").asText()).isEqualTo(AdminServer.NODE.name());
    assertThat(s.get("LockDelay").asLong()).isEqualTo(15_000_000_000L);
    assertThat(s.get("Behavior").asText()).isEqualTo("release");
    assertThat(s.get("TTL").asText()).isEmpty();
    assertThat(s.get("NodeChecks").toString()).isEqualTo("[\"serfHealth\"]");
    assertThat(info.index()).isEqualTo(s.get("ModifyIndex").asLong());
    assertThat(api.get("/v1/session/info/nope").body()).isEqualTo("[]");
    assertThat(api.get("/v1/session/list").json().size()).isEqualTo(1);
    assertThat(api.get("/v1/session/node/" + AdminServer.NODE.name()).json().size()).isEqualTo(1);
    assertThat(api.get("/v1/session/node/elsewhere").json().size()).isZero();

    String ttl =
        create(
            "{\"Name\":\"leader\",\"TTL\":\"30s\",\"Behavior\":\"delete\",\"LockDelay\":\"1s\"}");
    Reply renewed = api.put("/v1/session/renew/" + ttl, null);
    assertThat(renewed.json().get(0).get("TTL").asText()).isEqualTo("30s");
    assertThat(renewed.json().get(0).get("LockDelay").asLong()).isEqualTo(1_000_000_000L);
    assertThat(api.put("/v1/session/renew/nope", null).status()).isEqualTo(404);
  }

  @Test
  void badSessionsGetEveryProblem() {
    Reply bad =
        api.put(
            "/v1/session/create",
            "{\"TTL\":\"5s\",\"Behavior\":\"explode\",\"LockDelay\":\"2m\",\"Node\":\"other\","
                + "\"NodeChecks\":[\"disk\"],\"ServiceChecks\":[{\"ID\":\"nope\"}],\"Bogus\":1}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("Problems").toString())
        .contains("TTL")
        .contains("Behavior")
        .contains("LockDelay")
        .contains("Node")
        .contains("NodeChecks")
        .contains("Bogus");
    Reply missingCheck = api.put("/v1/session/create", "{\"ServiceChecks\":[{\"ID\":\"nope\"}]}");
    assertThat(missingCheck.status()).isEqualTo(400);
    assertThat(missingCheck.body()).contains("Missing check 'nope' registration");
  }

  @Test
  void locksAreAcquiredReleasedAndFreedWhenTheSessionGoes() throws Exception {
    String a = create("{\"LockDelay\":\"0s\"}");
    String b = create("{\"LockDelay\":\"0s\"}");
    assertThat(api.put("/v1/kv/service/leader?acquire=" + a, "node-a").body()).isEqualTo("true");
    assertThat(api.put("/v1/kv/service/leader?acquire=" + b, "node-b").body()).isEqualTo("false");
    JsonNode held = api.get("/v1/kv/service/leader").json().get(0);
    assertThat(held.get("Session").asText()).isEqualTo(a);
    assertThat(held.get("LockIndex").asLong()).isEqualTo(1);

    // A follower blocks on the key and wakes when the leader's session is destroyed.
    long index = api.get("/v1/kv/service/leader").index();
    CompletableFuture<Reply> follower =
        CompletableFuture.supplyAsync(() -> api.get("/v1/kv/service/leader?index=" + index));
    assertThat(api.put("/v1/session/destroy/" + a, null).body()).isEqualTo("true");
    JsonNode released = follower.get(30, TimeUnit.SECONDS).json().get(0);
    assertThat(released.has("Session")).isFalse();
    assertThat(api.put("/v1/kv/service/leader?acquire=" + b, "node-b").body()).isEqualTo("true");
    assertThat(api.get("/v1/kv/service/leader").json().get(0).get("LockIndex").asLong())
        .isEqualTo(2);
    assertThat(api.put("/v1/kv/service/leader?release=" + a, "x").body()).isEqualTo("false");
    assertThat(api.put("/v1/kv/service/leader?release=" + b, "x").body()).isEqualTo("true");

    Reply txn =
        api.put(
            "/v1/txn",
            "[{\"KV\":{\"Verb\":\"lock\",\"Key\":\"t\",\"Session\":\""
                + b
                + "\"}},"
                + "{\"KV\":{\"Verb\":\"check-session\",\"Key\":\"t\",\"Session\":\""
                + b
                + "\"}}]");
    assertThat(txn.status()).as(txn.body()).isEqualTo(200);
    assertThat(txn.json().get("Results").get(0).get("KV").get("Session").asText()).isEqualTo(b);
  }

  @Test
  void sessionRulesGuardSessionsByNode() {
    try (AdminServer acl = AdminServer.start(Optional.of("s3cret"), IntentionAction.ALLOW)) {
      assertThat(acl.put("/v1/session/create", null).status()).isEqualTo(403);
      Reply made = acl.send("PUT", "/v1/session/create", null, "X-Consul-Token", "s3cret");
      assertThat(made.status()).isEqualTo(200);
      Reply anonymous = acl.get("/v1/session/list");
      assertThat(anonymous.json().size()).isZero();
      assertThat(anonymous.header("X-Consul-Results-Filtered-By-ACLs")).hasValue("true");
      assertThat(
              acl.send("GET", "/v1/session/list", null, "X-Consul-Token", "s3cret").json().size())
          .isEqualTo(1);
    }
  }
}
