package io.cairn.admin.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.AdminServer;
import io.cairn.admin.AdminServer.Reply;
import io.cairn.registry.config.IntentionAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/kv} and {@code /v1/txn} over a real socket, with Consul's shapes and answers. */
class KvApiIT {
  private AdminServer api;

  @BeforeEach
  void start() {
    api = AdminServer.startWithDefaultBodyLimit();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private void putOk(String path, String body) {
    Reply r = api.put(path, body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("true");
  }

  @Test
  void aKeyRoundTripsWithConsulsShapeAndIndexes() {
    putOk("/v1/kv/app/config/db?flags=42", "postgres://db:5432");
    Reply got = api.get("/v1/kv/app/config/db");
    assertThat(got.status()).isEqualTo(200);
    JsonNode e = got.json().get(0);
    assertThat(got.json().size()).isEqualTo(1);
    assertThat(e.get("Key").asText()).isEqualTo("app/config/db");
    assertThat(e.get("Flags").asLong()).isEqualTo(42);
    assertThat(e.get("LockIndex").asLong()).isZero();
    assertThat(e.get("Value").asText()).isEqualTo(b64("postgres://db:5432"));
    assertThat(e.get("ModifyIndex").asLong()).isEqualTo(got.index());
    assertThat(e.has("Session")).as("no session, no field").isFalse();

    Reply raw = api.get("/v1/kv/app/config/db?raw");
    assertThat(raw.body()).isEqualTo("postgres://db:5432");
    assertThat(raw.header("Content-Type")).hasValue("application/octet-stream");

    putOk("/v1/kv/app/empty", null);
    assertThat(api.get("/v1/kv/app/empty").json().get(0).get("Value").isNull())
        .as("an empty value reads as null, as in Consul")
        .isTrue();
    putOk("/v1/kv/app/big-flags?flags=18446744073709551615", "x");
    assertThat(api.get("/v1/kv/app/big-flags").json().get(0).get("Flags").asText())
        .isEqualTo("18446744073709551615");
  }

  @Test
  void aMissingKeyIs404WithAnIndexSoWatchersBlock() throws Exception {
    putOk("/v1/kv/other", "1");
    Reply missing = api.get("/v1/kv/not/there");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body()).isEmpty();
    long index = missing.index();
    assertThat(index).isPositive();

    // A blocking read of the missing key waits, then wakes when it is written.
    CompletableFuture<Reply> waiting =
        CompletableFuture.supplyAsync(() -> api.get("/v1/kv/not/there?index=" + index));
    Thread.sleep(300);
    assertThat(waiting).as("still blocking").isNotDone();
    putOk("/v1/kv/not/there", "now");
    Reply woke = waiting.get(30, TimeUnit.SECONDS);
    assertThat(woke.status()).isEqualTo(200);
    assertThat(woke.index()).isGreaterThan(index);
  }

  @Test
  void recurseKeysAndSeparatorListAPrefix() throws Exception {
    for (String k : List.of("web/a", "web/b/c", "web/b/d", "webby", "api/x")) {
      putOk("/v1/kv/" + k, k);
    }
    Reply tree = api.get("/v1/kv/web/?recurse");
    assertThat(tree.json().findValuesAsText("Key")).containsExactly("web/a", "web/b/c", "web/b/d");
    Reply keys = api.get("/v1/kv/web/?keys&separator=/");
    assertThat(keys.json().toString()).isEqualTo("[\"web/a\",\"web/b/\"]");
    assertThat(api.get("/v1/kv/?keys").json().size()).isEqualTo(5);
    assertThat(api.get("/v1/kv/nothing/?keys").status()).isEqualTo(404);
    assertThat(api.get("/v1/kv/nothing/?recurse").status()).isEqualTo(404);

    // A blocking read of the prefix wakes on a deletion under it.
    long index = api.get("/v1/kv/web/?recurse").index();
    CompletableFuture<Reply> waiting =
        CompletableFuture.supplyAsync(() -> api.get("/v1/kv/web/?recurse&index=" + index));
    Thread.sleep(300);
    assertThat(waiting).isNotDone();
    assertThat(api.delete("/v1/kv/web/b/?recurse").body()).isEqualTo("true");
    Reply woke = waiting.get(30, TimeUnit.SECONDS);
    assertThat(woke.json().findValuesAsText("Key")).containsExactly("web/a");
    assertThat(api.get("/v1/kv/webby").status()).as("not under web/").isEqualTo(200);
  }

  @Test
  void checkAndSetAndDeleteFollowConsul() {
    assertThat(api.put("/v1/kv/lock?cas=0", "a").body()).isEqualTo("true");
    assertThat(api.put("/v1/kv/lock?cas=0", "b").body()).isEqualTo("false");
    long at = api.get("/v1/kv/lock").index();
    assertThat(api.put("/v1/kv/lock?cas=" + (at + 100), "c").body()).isEqualTo("false");
    assertThat(api.put("/v1/kv/lock?cas=" + at, "d").body()).isEqualTo("true");
    long now = api.get("/v1/kv/lock").index();
    assertThat(api.delete("/v1/kv/lock?cas=" + at).body()).isEqualTo("false");
    assertThat(api.delete("/v1/kv/lock?cas=" + now).body()).isEqualTo("true");
    assertThat(api.get("/v1/kv/lock").status()).isEqualTo(404);
    assertThat(api.delete("/v1/kv/never-was").body()).isEqualTo("true");
  }

  @Test
  void badInputGetsClearErrors() {
    assertThat(api.put("/v1/kv/", "x").status()).as("the root is not a key").isEqualTo(405);
    assertThat(api.get("/v1/kv/").status()).as("the root without ?keys or ?recurse").isEqualTo(400);
    assertThat(api.delete("/v1/kv/").status())
        .as("deleting the root needs ?recurse")
        .isEqualTo(400);
    assertThat(api.put("/v1/kv/k?flags=-1", "x").body()).contains("flags");
    assertThat(api.put("/v1/kv/k?cas=abc", "x").body()).contains("cas");
    Reply acquire = api.put("/v1/kv/k?acquire=0a5b7e3c-1111-2222-3333-444455556666", "x");
    assertThat(acquire.status()).isEqualTo(400);
    assertThat(acquire.body()).contains("invalid session");
    assertThat(api.put("/v1/kv/k?acquire=abc&cas=0", "x").body()).contains("Conflicting flags");
    assertThat(api.put("/v1/kv/k/" + "x".repeat(3000), "x").status()).isEqualTo(400);

    String max = "v".repeat(512 * 1024);
    putOk("/v1/kv/max", max);
    Reply over = api.put("/v1/kv/over", max + "v");
    assertThat(over.status()).isEqualTo(413);
    assertThat(over.body()).contains("524288");
    assertThat(api.get("/v1/kv/over").status()).isEqualTo(404);
    assertThat(api.get("/v1/kv/max?raw").body()).hasSize(512 * 1024);
  }

  @Test
  void aTransactionIsAtomicAndReportsEveryFailedCheck() {
    putOk("/v1/kv/cfg/a", "1");
    long a = api.get("/v1/kv/cfg/a").index();
    Reply ok =
        api.put(
            "/v1/txn",
            """
            [{"KV":{"Verb":"cas","Key":"cfg/a","Value":"%s","Index":%d}},
             {"KV":{"Verb":"set","Key":"cfg/b","Value":"%s","Flags":7}},
             {"KV":{"Verb":"get","Key":"cfg/a"}},
             {"KV":{"Verb":"delete","Key":"cfg/none"}}]
            """
                .formatted(b64("2"), a, b64("x")));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    JsonNode results = ok.json().get("Results");
    assertThat(results.size()).isEqualTo(3);
    assertThat(results.get(0).get("KV").get("Value").isNull())
        .as("writes return no value")
        .isTrue();
    assertThat(results.get(1).get("KV").get("Flags").asLong()).isEqualTo(7);
    assertThat(results.get(2).get("KV").get("Value").asText()).isEqualTo(b64("2"));
    assertThat(ok.json().get("Errors").isNull()).isTrue();
    long index = api.registry().snapshot().index();

    Reply failed =
        api.put(
            "/v1/txn",
            """
            [{"KV":{"Verb":"set","Key":"cfg/c","Value":"%s"}},
             {"KV":{"Verb":"check-index","Key":"cfg/a","Index":1}},
             {"KV":{"Verb":"check-not-exists","Key":"cfg/b"}}]
            """
                .formatted(b64("new")));
    assertThat(failed.status()).isEqualTo(409);
    assertThat(failed.json().get("Errors").findValuesAsText("OpIndex")).containsExactly("1", "2");
    assertThat(failed.json().get("Errors").get(1).get("What").asText())
        .isEqualTo("key \"cfg/b\" exists");
    assertThat(api.get("/v1/kv/cfg/c").status()).as("rolled back").isEqualTo(404);
    assertThat(api.registry().snapshot().index()).isEqualTo(index);

    Reply bad =
        api.put(
            "/v1/txn",
            """
            [{"KV":{"Verb":"explode","Key":"k"}},
             {"KV":{"Verb":"set","Key":"k","Value":"%%%%"}},
             {"KV":{"Verb":"lock","Key":"k"}},
             {"Node":{"Verb":"set"}}]
            """);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("Problems").toString())
        .contains("[0].KV.Verb")
        .contains("[1].KV.Value")
        .contains("[2].KV.Session")
        .contains("[3].Node");
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i < 65; i++) {
      many.append(i == 0 ? "" : ",").append("{\"KV\":{\"Verb\":\"get\",\"Key\":\"k\"}}");
    }
    assertThat(api.put("/v1/txn", many.append("]").toString()).status()).isEqualTo(413);
  }

  @Test
  void aclsGuardKeysByPrefixAndFilterListings() throws Exception {
    try (AdminServer acl = AdminServer.start(Optional.of("s3cret"), IntentionAction.ALLOW)) {
      for (String k : List.of("app/a", "app/secret", "other")) {
        assertThat(acl.send("PUT", "/v1/kv/" + k, "v", "X-Consul-Token", "s3cret").status())
            .isEqualTo(200);
      }
      String app =
          token(
              acl,
              "app",
              "key_prefix \\\"app/\\\" { policy = \\\"write\\\" }"
                  + " key \\\"app/secret\\\" { policy = \\\"deny\\\" }");
      assertThat(acl.send("GET", "/v1/kv/app/a", null, "X-Consul-Token", app).status())
          .isEqualTo(200);
      assertThat(acl.send("GET", "/v1/kv/other", null, "X-Consul-Token", app).status())
          .isEqualTo(403);
      assertThat(acl.get("/v1/kv/app/a").status()).as("anonymous under deny").isEqualTo(403);
      Reply listed = acl.send("GET", "/v1/kv/?recurse", null, "X-Consul-Token", app);
      assertThat(listed.json().findValuesAsText("Key")).containsExactly("app/a");
      assertThat(listed.header("X-Consul-Results-Filtered-By-ACLs")).hasValue("true");
      assertThat(acl.send("PUT", "/v1/kv/app/b", "v", "X-Consul-Token", app).status())
          .isEqualTo(200);
      assertThat(acl.send("PUT", "/v1/kv/other", "v", "X-Consul-Token", app).status())
          .isEqualTo(403);
      assertThat(acl.send("DELETE", "/v1/kv/app/?recurse", null, "X-Consul-Token", app).status())
          .as("a denied key under the prefix")
          .isEqualTo(403);
      Reply txn =
          acl.send(
              "PUT",
              "/v1/txn",
              "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"app/c\"}},"
                  + "{\"KV\":{\"Verb\":\"set\",\"Key\":\"other\"}}]",
              "X-Consul-Token",
              app);
      assertThat(txn.status()).isEqualTo(409);
      assertThat(txn.body()).contains("Permission denied").contains("\"OpIndex\":1");
      assertThat(acl.get("/v1/kv/app/c?token=s3cret").status()).isEqualTo(404);
    }
  }

  @Test
  void watchersWokenByOneWriteEachReadWhatTheirTokenMayRead() throws Exception {
    try (AdminServer acl = AdminServer.start(Optional.of("s3cret"), IntentionAction.ALLOW);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String k : List.of("app/a", "app/secret")) {
        assertThat(acl.send("PUT", "/v1/kv/" + k, k, "X-Consul-Token", "s3cret").status())
            .isEqualTo(200);
      }
      String app =
          token(
              acl,
              "app",
              "key_prefix \\\"app/\\\" { policy = \\\"read\\\" }"
                  + " key \\\"app/secret\\\" { policy = \\\"deny\\\" }");
      long index = acl.send("GET", "/v1/kv/app/?recurse", null, "X-Consul-Token", "s3cret").index();
      List<String> tokens = new ArrayList<>();
      List<Future<Reply>> woken = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String token = i % 2 == 0 ? "s3cret" : app;
        tokens.add(token);
        woken.add(
            threads.submit(
                () ->
                    acl.send(
                        "GET",
                        "/v1/kv/app/?recurse&index=" + index,
                        null,
                        "X-Consul-Token",
                        token)));
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> acl.meters().get("cairn.http.blocking.queries").gauge().value() == 20);

      assertThat(acl.send("PUT", "/v1/kv/app/a", "new", "X-Consul-Token", "s3cret").body())
          .isEqualTo("true");
      // The writer reads its write at once, whoever else its write woke.
      assertThat(acl.send("GET", "/v1/kv/app/a", null, "X-Consul-Token", "s3cret").body())
          .contains(b64("new"));
      for (int i = 0; i < woken.size(); i++) {
        Reply r = woken.get(i).get(30, TimeUnit.SECONDS);
        boolean narrow = tokens.get(i).equals(app);
        assertThat(r.index()).isGreaterThan(index);
        assertThat(r.json().findValuesAsText("Key"))
            .containsExactlyElementsOf(narrow ? List.of("app/a") : List.of("app/a", "app/secret"));
        assertThat(r.json().get(0).get("Value").asText()).isEqualTo(b64("new"));
        assertThat(r.header("X-Consul-Results-Filtered-By-ACLs").isPresent()).isEqualTo(narrow);
      }

      // The next change is read as it is, not as the watchers were answered.
      assertThat(acl.send("PUT", "/v1/kv/app/a", "newer", "X-Consul-Token", "s3cret").body())
          .isEqualTo("true");
      for (String token : List.of("s3cret", app)) {
        Reply r = acl.send("GET", "/v1/kv/app/?recurse", null, "X-Consul-Token", token);
        assertThat(r.json().get(0).get("Value").asText()).isEqualTo(b64("newer"));
      }
    }
  }

  private static String token(AdminServer acl, String name, String rules) {
    return acl.aclToken("s3cret", name, rules);
  }
}
