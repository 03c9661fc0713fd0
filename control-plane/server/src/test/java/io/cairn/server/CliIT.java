package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code cairn} client commands as a user runs them: each one a {@code java -jar cairn.jar}
 * process, against the packaged server running as a process with an ACL token for writes.
 */
class CliIT {
  private static final String TOKEN = "cli-it-token";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private static CairnProcess cairn;
  private static String address;
  private static int xdsPort;

  @BeforeAll
  static void start() throws Exception {
    cairn = CairnProcess.server(dataDir, "--acl-token", TOKEN);
    address = "127.0.0.1:" + cairn.awaitHttpPort(Duration.ofSeconds(30));
    xdsPort = cairn.awaitXdsPort(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    cairn.terminate(Duration.ofSeconds(20));
  }

  /** {@code cairn <args>} with the address and the token in the environment. */
  private static CliRun cairn(String stdin, String... args) throws Exception {
    return cairnWith(Map.of("CAIRN_HTTP_TOKEN", TOKEN), stdin, args);
  }

  /** {@code cairn <args>} as its own process, with the address and {@code env} set. */
  private static CliRun cairnWith(Map<String, String> env, String stdin, String... args)
      throws Exception {
    return CliRun.run(address, env, stdin, args);
  }

  /** A field of {@code cairn acl token create}'s output, e.g. {@code SecretID}. */
  private static String field(CliRun run, String name) {
    return run.out()
        .lines()
        .filter(l -> l.startsWith(name + ":"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + run.out()))
        .substring(name.length() + 1)
        .strip();
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + address + path))
                    .header("X-Consul-Token", TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  @Test
  void instancesShowEveryInstanceWithItsChecks() throws Exception {
    String two =
        "[{\"ID\":\"shop-1\",\"Name\":\"shop\",\"Address\":\"10.0.0.1\",\"Port\":8080,"
            + "\"Tags\":[\"v1\",\"blue\"],\"Check\":{\"CheckID\":\"shop-1:ttl\",\"TTL\":\"60s\"}},"
            + "{\"ID\":\"shop-2\",\"Name\":\"shop\",\"Address\":\"10.0.0.2\",\"Port\":8080,"
            + "\"Check\":{\"CheckID\":\"shop-2:ttl\",\"TTL\":\"60s\"}}]";
    CliRun registered = cairn(two, "register", "-");
    assertThat(registered.status()).as(registered.err()).isZero();
    assertThat(registered.out()).startsWith("registered 2 of 2");
    assertThat(cairn("", "check", "pass", "shop-1:ttl", "--note", "ok").status()).isZero();
    String longNote = "disk full ".repeat(20).strip();
    assertThat(cairn("", "check", "fail", "shop-2:ttl", "--note", longNote).status()).isZero();

    CliRun all = cairn("", "instances", "shop");
    assertThat(all.status()).as(all.err()).isZero();
    assertThat(all.out())
        .startsWith("ID      ADDRESS        STATUS    TAGS\n")
        .containsPattern("(?m)^shop-1  10.0.0.1:8080  passing   v1,blue$")
        .containsPattern("(?m)^    shop-1:ttl  passing   ok$")
        .containsPattern("(?m)^shop-2  10.0.0.2:8080  critical  -$")
        .doesNotContain("serfHealth");
    String shop2Check =
        all.out().lines().filter(l -> l.startsWith("    shop-2:ttl")).findFirst().orElseThrow();
    assertThat(shop2Check).matches("    shop-2:ttl  critical  disk full disk full .*\\.\\.\\.");
    assertThat(shop2Check.substring(shop2Check.indexOf("disk"))).hasSize(60);

    assertThat(cairn("", "health", "shop", "--passing").out())
        .contains("shop-1")
        .doesNotContain("shop-2");
    JsonNode json = JSON.readTree(cairn("", "instances", "shop", "--json").out());
    assertThat(json).hasSize(2);
    assertThat(json.get(1).path("Service").path("ID").asText()).isEqualTo("shop-2");

    assertThat(cairn("", "maint", "shop-1", "on", "--reason", "upgrade").status()).isZero();
    assertThat(cairn("", "instances", "shop", "--tag", "blue").out())
        .containsPattern("(?m)^shop-1\\s+10.0.0.1:8080\\s+maintenance\\s+v1,blue$")
        .containsPattern("(?m)^    _service_maintenance:shop-1\\s+critical\\s+upgrade$")
        .doesNotContain("shop-2");

    assertThat(cairn("", "deregister", "shop-2").status()).isZero();
    CliRun missing = cairn("", "deregister", "shop-2");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).contains("unknown service instance id 'shop-2'");
    CliRun none = cairn("", "instances", "nothing");
    assertThat(none.status()).isEqualTo(1);
    assertThat(none.err()).contains("no instances of 'nothing'");
  }

  @Test
  void splitIsCheckedLocallyThenByTheServerThenWrittenAndShown(@TempDir Path tmp) throws Exception {
    CliRun sum = cairn("", "split", "cart", "v1=90", "v2=20");
    assertThat(sum.status()).isEqualTo(2);
    assertThat(sum.err())
        .contains("invalid split for 'cart'")
        .contains("the weights add up to 110, not 100")
        .contains("usage:\n  split <service>");
    CliRun words = cairn("", "split", "cart", "v1=abc", "v2", "a/b/c=1");
    assertThat(words.status()).isEqualTo(2);
    assertThat(words.err())
        .contains("'v1=abc': the weight 'abc' is not a number")
        .contains("'v2': expected TARGET=WEIGHT")
        .contains("'a/b/c=1': the target must be SUBSET, SERVICE/ or SERVICE/SUBSET");

    CliRun refused = cairn("", "split", "cart", "v1=90", "v2=10");
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err())
        .contains("subset 'v1' is not defined by a service-resolver for 'cart'")
        .contains("splitting needs protocol http, http2 or grpc but 'cart' is tcp")
        .contains("hint: subsets are defined by the service's service-resolver entry")
        .contains("\"Name\":\"cart\",\"Protocol\":\"http\"");
    CliRun none = cairn("", "split", "cart");
    assertThat(none.status()).isEqualTo(1);
    assertThat(none.err()).contains("'cart' has no service-splitter");

    // A directory of entries is written in dependency order: the splitter file sorts first.
    Path entries = Files.createDirectories(tmp.resolve("entries"));
    Files.writeString(
        entries.resolve("a-splitter.json"),
        "{\"Kind\":\"service-splitter\",\"Name\":\"cart\",\"Splits\":[{\"Weight\":100,"
            + "\"ServiceSubset\":\"v1\"}]}");
    Files.writeString(
        entries.resolve("b-resolver.json"),
        "{\"Kind\":\"service-resolver\",\"Name\":\"cart\",\"Subsets\":{"
            + "\"v1\":{\"Filter\":\"Service.Meta.version == 1\"},"
            + "\"v2\":{\"Filter\":\"Service.Meta.version == 2\"}}}");
    Files.writeString(
        entries.resolve("c-defaults.json"),
        "{\"Kind\":\"service-defaults\",\"Name\":\"cart\",\"Protocol\":\"http\"}");
    CliRun written = cairn("", "config", "write", entries.toString());
    assertThat(written.status()).as(written.err()).isZero();
    assertThat(written.out()).startsWith("written 3 of 3");

    // cart-next speaks tcp (no service-defaults): a chain's services must agree on protocol.
    CliRun mixed = cairn("", "split", "cart", "v1=75", "v2=20", "cart-next/=5");
    assertThat(mixed.status()).isEqualTo(1);
    assertThat(mixed.err())
        .contains(
            "discovery chain \"cart\" uses inconsistent protocols; service \"cart-next\" has"
                + " \"tcp\" which is not \"http\"")
        .contains("\"Name\":\"cart-next\",\"Protocol\":\"http\"");
    assertThat(
            cairn(
                    "{\"Kind\":\"service-defaults\",\"Name\":\"cart-next\",\"Protocol\":\"http\"}",
                    "config",
                    "write",
                    "-")
                .status())
        .isZero();
    CliRun split = cairn("", "split", "cart", "v1=75", "v2=20", "cart-next/=5");
    assertThat(split.status()).as(split.err()).isZero();
    assertThat(split.out())
        .isEqualTo(
            """
            TARGET      WEIGHT
            v1          75%     ##############################
            v2          20%     ########
            cart-next/  5%      ##
            """);
    assertThat(cairn("", "split", "cart").out()).isEqualTo(split.out());
    JsonNode entry = JSON.readTree(cairn("", "split", "cart", "--json").out());
    assertThat(entry.path("Splits").get(2).path("Service").asText()).isEqualTo("cart-next");
    assertThat(entry.path("Splits").get(0).path("Weight").asDouble()).isEqualTo(75.0);

    CliRun undefined = cairn("", "split", "cart", "v1=50", "v3=50");
    assertThat(undefined.status()).isEqualTo(1);
    assertThat(undefined.err())
        .contains("subset 'v3' is not defined by a service-resolver for 'cart'")
        .doesNotContain("needs protocol");

    // proxy-defaults is written before everything: its protocol lets the router be written.
    Path mesh = Files.createDirectories(tmp.resolve("mesh"));
    Files.writeString(
        mesh.resolve("a-router.json"),
        "{\"Kind\":\"service-router\",\"Name\":\"orders\",\"Routes\":[{\"Match\":{\"HTTP\":"
            + "{\"PathPrefix\":\"/v2\"}},\"Destination\":{\"Service\":\"orders-v2\"}}]}");
    Files.writeString(
        mesh.resolve("z-global.json"),
        "{\"Kind\":\"proxy-defaults\",\"Name\":\"global\",\"Config\":{\"protocol\":\"http\"}}");
    CliRun meshWritten = cairn("", "config", "write", mesh.toString());
    assertThat(meshWritten.status()).as(meshWritten.err()).isZero();
    assertThat(meshWritten.out()).startsWith("written 2 of 2");
    assertThat(cairn("", "config", "delete", "service-router", "orders").status()).isZero();
    assertThat(cairn("", "config", "delete", "proxy-defaults", "global").status()).isZero();
  }

  @Test
  void proxiesShowConnectedClientsWithTheirAcksAndNacks() throws Exception {
    assertThat(
            cairn(
                    "{\"ID\":\"pay-1\",\"Name\":\"pay\",\"Address\":\"10.0.1.1\",\"Port\":7000}",
                    "register",
                    "-")
                .status())
        .isZero();
    try (AdsProbe probe = new AdsProbe(xdsPort, "pay-client-1", "pay", TOKEN)) {
      AdsProbe.Eds first =
          probe.await(e -> AdsProbe.has(e, "10.0.1.1", 7000), Duration.ofSeconds(10));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> get("/v1/xds/proxies").toString().contains(first.version()));
      probe.nackNext("endpoint 10.0.1.2 is not welcome");
      assertThat(
              cairn(
                      "{\"ID\":\"pay-2\",\"Name\":\"pay\",\"Address\":\"10.0.1.2\",\"Port\":7000}",
                      "register",
                      "-")
                  .status())
          .isZero();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> get("/v1/xds/proxies").toString().contains("not welcome"));

      CliRun proxies = cairn("", "proxies");
      assertThat(proxies.status()).as(proxies.err()).isZero();
      String acked = probe.lastAcked(); // responses before the NACK may have moved it on
      String version = acked.substring(0, Math.min(8, acked.length()));
      assertThat(proxies.out())
          .startsWith("NODE          KIND       STREAMS  CONNECTED  ACKED")
          .containsPattern(
              "(?m)^pay-client-1  proxyless  1        \\d+s ago\\s+EDS:"
                  + version
                  + "\\s+EDS \\d+s ago: endpoint 10.0.1.2 is not welcome$");
      JsonNode json = JSON.readTree(cairn("", "proxies", "--json").out());
      assertThat(json.get(0).path("Node").asText()).isEqualTo("pay-client-1");
      assertThat(json.get(0).path("LastNack").path("Error").asText())
          .isEqualTo("endpoint 10.0.1.2 is not welcome");
    }
  }

  @Test
  void registersADirectoryWithProgressAndListsTheFailures(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("bulk"));
    for (int i = 1; i <= 50; i++) {
      String id = "bulk-%02d".formatted(i);
      Files.writeString(
          dir.resolve(id + ".json"),
          "{\"ID\":\"%s\",\"Name\":\"bulk\",\"Address\":\"10.2.0.%d\",\"Port\":%d}"
              .formatted(id, i, i == 25 ? -1 : 9000));
    }
    Files.writeString(dir.resolve("README.txt"), "not a registration: skipped");

    CliRun run = cairn("", "register", dir.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).matches("registered 49 of 50 in [0-9.]+ s, 1 failed\n");
    assertThat(run.err().lines().filter(l -> l.startsWith("registering ")).toList())
        .hasSize(10)
        .startsWith("registering 5/50 (10%)", "registering 10/50 (20%)")
        .endsWith("registering 50/50 (100%), 1 failed");
    assertThat(run.err())
        .contains(
            "cairn: 1 of 50 failed:\n  "
                + dir.resolve("bulk-25.json")
                + " (bulk-25): invalid request: 1 problem(s)\n"
                + "      - Port: must be between 0 and 65535, was -1");
    assertThat(get("/v1/health/service/bulk")).hasSize(49);

    // On a terminal the count is redrawn in place.
    CliRun tty =
        cairnWith(
            Map.of("CAIRN_PROGRESS", "tty", "CAIRN_HTTP_TOKEN", TOKEN),
            "",
            "register",
            dir.toString());
    assertThat(tty.status()).isEqualTo(1);
    assertThat(tty.err())
        .startsWith("\rregistering ")
        .contains("\rregistering 50/50 (100%), 1 failed\n");
  }

  @Test
  void writesWithoutTheTokenAreRefusedWithAHint() throws Exception {
    String body = "{\"ID\":\"acl-1\",\"Name\":\"acl\",\"Port\":1}";
    CliRun anonymous = cairnWith(Map.of(), body, "register", "-");
    assertThat(anonymous.status()).isEqualTo(1);
    assertThat(anonymous.err())
        .contains("Permission denied")
        .contains("pass it with --token TOKEN or set CAIRN_HTTP_TOKEN");
    CliRun wrong = cairnWith(Map.of("CAIRN_HTTP_TOKEN", "guess"), body, "register", "-");
    assertThat(wrong.status()).isEqualTo(1);
    assertThat(wrong.err()).contains("the token given (--token");
    assertThat(cairnWith(Map.of(), body, "register", "-", "--token", TOKEN).status()).isZero();
    assertThat(cairn("", "services").out()).containsPattern("(?m)^acl\\s*$");
    // Reads are filtered under default deny: without a token, nothing is there to see.
    assertThat(cairnWith(Map.of(), "", "services").out()).doesNotContain("acl");
  }

  @Test
  void aclPoliciesAndTokensFromTheCli() throws Exception {
    CliRun policy =
        cairn(
            "service_prefix \"team-\" { policy = \"write\" }\n",
            "acl",
            "policy",
            "create",
            "team-writer",
            "-",
            "--description",
            "the team");
    assertThat(policy.status()).as(policy.err()).isZero();
    assertThat(policy.out()).startsWith("created policy team-writer (ID ");
    CliRun bad =
        cairn("service \"x\" { policy = \"sudo\" }", "acl", "policy", "create", "bad", "-");
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err()).contains("line 1: service \"x\" policy is 'sudo'");

    CliRun token =
        cairn("", "acl", "token", "create", "--policy", "team-writer", "--description", "ci");
    assertThat(token.status()).as(token.err()).isZero();
    assertThat(token.out()).contains("Policies:    team-writer");
    String secret = field(token, "SecretID");

    Map<String, String> team = Map.of("CAIRN_HTTP_TOKEN", secret);
    assertThat(
            cairnWith(team, "{\"ID\":\"team-a-1\",\"Name\":\"team-a\",\"Port\":1}", "register", "-")
                .status())
        .isZero();
    CliRun outside =
        cairnWith(team, "{\"ID\":\"other-1\",\"Name\":\"other\",\"Port\":1}", "register", "-");
    assertThat(outside.status()).isEqualTo(1);
    assertThat(outside.err()).contains("lacks permission 'service:write' on \"other\"");
    CliRun seen = cairnWith(team, "", "services");
    assertThat(seen.out()).containsPattern("(?m)^team-a\\s*$").doesNotContain("acl");
    assertThat(cairnWith(team, "", "acl", "token", "list").status()).isEqualTo(1);

    CliRun list = cairn("", "acl", "token", "list");
    assertThat(list.out()).contains("ci").contains("team-writer");
    assertThat(cairn("", "acl", "policy", "list").out())
        .contains("global-management")
        .contains("team-writer");
    String accessor = field(token, "AccessorID");
    assertThat(cairn("", "acl", "token", "delete", accessor).status()).isZero();
    CliRun gone = cairnWith(team, "", "services");
    assertThat(gone.status()).isEqualTo(1);
    assertThat(gone.err()).contains("ACL not found");
  }

  @Test
  void xdsClientsPresentTokensAndSeeOnlyWhatTheyMayRead() throws Exception {
    String services =
        "[{\"ID\":\"ledger-1\",\"Name\":\"ledger\",\"Address\":\"10.0.3.1\",\"Port\":70},"
            + "{\"ID\":\"vault-1\",\"Name\":\"vault\",\"Address\":\"10.0.3.2\",\"Port\":70}]";
    assertThat(cairn(services, "register", "-").status()).isZero();
    assertThat(
            cairn(
                    "service \"ledger\" { policy = \"read\" }",
                    "acl",
                    "policy",
                    "create",
                    "ledger-read",
                    "-")
                .status())
        .isZero();
    CliRun token = cairn("", "acl", "token", "create", "--policy", "ledger-read");
    String secret = field(token, "SecretID");

    try (AdsProbe ledger = new AdsProbe(xdsPort, "ledger-reader", "ledger", secret)) {
      ledger.await(e -> AdsProbe.has(e, "10.0.3.1", 70), Duration.ofSeconds(10));
    }
    // The same token asking for a service it may not read: no error, and nothing of vault.
    try (AdsProbe vault = new AdsProbe(xdsPort, "vault-reader", "vault", secret)) {
      assertThatThrownBy(() -> vault.await(e -> true, Duration.ofSeconds(2)))
          .isInstanceOf(AssertionError.class);
    }
    try (AdsProbe vault = new AdsProbe(xdsPort, "vault-admin", "vault", TOKEN)) {
      vault.await(e -> AdsProbe.has(e, "10.0.3.2", 70), Duration.ofSeconds(10));
    }
    try (AdsProbe stranger = new AdsProbe(xdsPort, "stranger", "ledger", "not-a-token")) {
      Status status = stranger.endedWith(Duration.ofSeconds(10));
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(status.getDescription()).isEqualTo("ACL not found");
    }
    assertThat(cairn.output()).doesNotContain(secret).doesNotContain("not-a-token");
  }

  @Test
  void configAndIntentions() throws Exception {
    assertThat(
            cairn(
                    "{\"Kind\":\"service-defaults\",\"Name\":\"api\",\"Protocol\":\"http\"}",
                    "config",
                    "write",
                    "-")
                .status())
        .isZero();
    assertThat(cairn("", "config", "read", "service-defaults", "api").out())
        .contains("\"Protocol\" : \"http\"");
    assertThat(cairn("", "config", "list", "service-defaults").out())
        .containsPattern("service-defaults\\s+api");
    CliRun bad =
        cairn(
            "{\"Kind\":\"service-splitter\",\"Name\":\"api\",\"Splits\":[{\"Weight\":50}]}",
            "config",
            "write",
            "-");
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err()).contains("add up to 100");

    assertThat(cairn("", "intention", "deny", "*", "api").status()).isZero();
    assertThat(cairn("", "intention", "allow", "web", "api").status()).isZero();
    assertThat(cairn("", "intention", "check", "web", "api").out()).contains("allowed");
    CliRun denied = cairn("", "intention", "check", "batch", "api");
    assertThat(denied.out()).contains("denied");
    assertThat(denied.status()).isEqualTo(1);
    assertThat(cairn("", "intention", "list").out()).containsPattern("web\\s+api\\s+allow\\s+9");
    assertThat(cairn("", "intention", "delete", "web", "api").status()).isZero();
    assertThat(cairn("", "config", "delete", "service-intentions", "api").status()).isZero();
  }

  @Test
  void usageErrorsAndUnreachableServer() throws Exception {
    CliRun unknown = cairn("", "frobnicate");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown command").contains("client commands");
    CliRun help = cairn("", "register", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).startsWith("usage:\n  register <file|dir|->...");
    Map<String, String> env = new HashMap<>();
    env.put("CAIRN_HTTP_ADDR", "127.0.0.1:1");
    CliRun unreachable = cairnWith(env, "", "services");
    assertThat(unreachable.status()).isEqualTo(3);
    assertThat(unreachable.err()).contains("cannot reach Cairn at http://127.0.0.1:1/");
  }

  @Test
  void kvCommandsReadWriteListAndDelete(@TempDir Path tmp) throws Exception {
    CliRun put = cairn("", "kv", "put", "app/config/db url", "postgres://db:5432");
    assertThat(put.status()).as(put.err()).isZero();
    assertThat(put.out()).contains("Success! Data written to: app/config/db url");
    assertThat(cairn("", "kv", "get", "app/config/db url").out()).isEqualTo("postgres://db:5432\n");

    Path file = tmp.resolve("value.bin");
    java.nio.file.Files.write(file, new byte[] {1, 2, 3, 0, (byte) 0xff});
    assertThat(cairn("", "kv", "put", "app/blob", "@" + file).status()).isZero();
    assertThat(cairn("line from stdin", "kv", "put", "app/config/stdin", "-").status()).isZero();
    assertThat(cairn("", "kv", "get", "app/config/stdin").out()).startsWith("line from stdin");

    CliRun detailed = cairn("", "kv", "get", "app/config/stdin", "--detailed");
    assertThat(detailed.out()).contains("ModifyIndex").contains("Value        line from stdin");
    String index =
        detailed
            .out()
            .lines()
            .filter(l -> l.startsWith("ModifyIndex"))
            .findFirst()
            .orElseThrow()
            .substring(12)
            .strip();
    CliRun stale = cairn("", "kv", "put", "app/config/stdin", "x", "--cas", "1");
    assertThat(stale.status()).isEqualTo(1);
    assertThat(stale.err()).contains("CAS failed");
    assertThat(cairn("", "kv", "put", "app/config/stdin", "y", "--cas", index).status()).isZero();

    assertThat(cairn("", "kv", "ls", "app/").out().lines().toList())
        .containsExactly("app/blob", "app/config/");
    assertThat(cairn("", "kv", "ls", "app/", "--recurse").out().lines().toList()).hasSize(3);
    CliRun missing = cairn("", "kv", "get", "app/nope");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).contains("No key exists at: app/nope");

    assertThat(cairn("", "kv", "delete", "app/config/", "--recurse").out())
        .contains("Deleted keys with prefix: app/config/");
    assertThat(cairn("", "kv", "ls", "app/").out().lines().toList()).containsExactly("app/blob");
    CliRun anonymous = cairnWith(Map.of(), "", "kv", "get", "app/blob");
    assertThat(anonymous.status()).as("ACLs deny the anonymous token").isEqualTo(1);
  }

  @Test
  void kvTakesBase64AndRefusesWhatItWouldNotActOn() throws Exception {
    CliRun extra = cairn("", "kv", "put", "strict/a", "one", "two");
    assertThat(extra.status()).isEqualTo(2);
    assertThat(extra.err()).contains("kv put takes at most 2 arguments; unexpected 'two'");
    CliRun misplaced = cairn("", "kv", "put", "strict/a", "one", "--recurse");
    assertThat(misplaced.status()).isEqualTo(2);
    assertThat(misplaced.err()).contains("kv put does not take --recurse");
    assertThat(cairn("", "kv", "get", "strict/a").status()).as("nothing written").isEqualTo(1);

    // Binary values through --base64, as a word and from standard input.
    assertThat(cairn("", "kv", "put", "strict/bin", "AAH/", "--base64").status()).isZero();
    assertThat(get("/v1/kv/strict/bin").get(0).get("Value").asText()).isEqualTo("AAH/");
    assertThat(cairn("", "kv", "get", "strict/bin", "--base64").out()).isEqualTo("AAH/\n");
    assertThat(cairn("AQID\n", "kv", "put", "strict/stdin", "-", "--base64").status()).isZero();
    assertThat(cairn("", "kv", "get", "strict/", "--recurse", "--base64").out().lines())
        .containsExactly("strict/bin:AAH/", "strict/stdin:AQID");
    CliRun notBase64 = cairn("", "kv", "put", "strict/bad", "!!", "--base64");
    assertThat(notBase64.status()).isEqualTo(2);
    assertThat(notBase64.err()).contains("the value is not base64");

    // --detailed with --recurse: one block per key, a blank line between them.
    CliRun detailed = cairn("", "kv", "get", "strict/", "--recurse", "--detailed");
    assertThat(detailed.out().split("\n\n"))
        .satisfiesExactly(
            b -> assertThat(b).contains("Key          strict/bin"),
            b ->
                assertThat(b)
                    .contains("Key          strict/stdin")
                    .contains("Value        \u0001"));

    // After --, a value that looks like an option is the value.
    assertThat(cairn("", "kv", "put", "strict/dash", "--", "--verbose").status()).isZero();
    assertThat(cairn("", "kv", "get", "strict/dash").out()).isEqualTo("--verbose\n");

    // A recursive delete cannot be a check-and-set: refused, nothing deleted.
    CliRun both = cairn("", "kv", "delete", "strict/", "--recurse", "--cas", "1");
    assertThat(both.status()).isEqualTo(1);
    assertThat(both.err()).contains("cas and recurse cannot be used together");
    assertThat(cairn("", "kv", "ls", "strict/").out().lines()).hasSize(3);
  }

  @Test
  void connectCertsOnceWritesTheLeafItsKeyAndEveryRoot(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("certs/web"); // not there yet: made
    CliRun run =
        cairn("", "connect", "certs", "--service", "web", "--dir", dir.toString(), "--once");
    assertThat(run.status()).as(run.err()).isZero();

    JsonNode leaf = get("/v1/agent/connect/ca/leaf/web"); // the same leaf until it is renewed
    JsonNode roots = get("/v1/connect/ca/roots");
    assertThat(run.out())
        .isEqualTo(
            "wrote ca.pem: %d root%s, active %s%nwrote key.pem and cert.pem: serial %s, valid before %s%n"
                .formatted(
                    roots.path("Roots").size(),
                    roots.path("Roots").size() == 1 ? "" : "s",
                    roots.path("ActiveRootID").asText(),
                    leaf.path("SerialNumber").asText(),
                    leaf.path("ValidBefore").asText()));
    CertDir files = new CertDir(dir);
    assertThat(files.names()).containsExactly("ca.pem", "cert.pem", "key.pem");
    assertThat(files.cert().strip()).isEqualTo(leaf.path("CertPEM").asText().strip());
    assertThat(files.key().strip()).isEqualTo(leaf.path("PrivateKeyPEM").asText().strip());
    StringBuilder every = new StringBuilder();
    roots
        .path("Roots")
        .forEach(r -> every.append(r.path("RootCert").asText().strip()).append('\n'));
    assertThat(files.ca()).isEqualTo(every.toString());
    files.assertConsistent();
  }

  @Test
  void connectCertsRefusesWhatItWouldNotActOn(@TempDir Path tmp) throws Exception {
    String dir = tmp.resolve("certs").toString();
    CliRun json =
        cairn("", "connect", "certs", "--service", "web", "--dir", dir, "--once", "--json");
    assertThat(json.status()).isEqualTo(2);
    assertThat(json.err())
        .contains("connect certs does not take --json")
        .contains("usage:\n  connect certs --service S --dir DIR [--once]");
    CliRun extra = cairn("", "connect", "certs", "web", "--service", "web", "--dir", dir);
    assertThat(extra.status()).isEqualTo(2);
    assertThat(extra.err()).contains("connect certs takes no arguments; unexpected 'web'");
    CliRun missing = cairn("", "connect", "certs", "--once");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("connect certs needs --service NAME and --dir DIR");
    CliRun other = cairn("", "connect", "roots");
    assertThat(other.status()).isEqualTo(2);
    assertThat(other.err()).contains("connect takes certs, not 'roots'");
    assertThat(Path.of(dir)).as("nothing made for a usage error").doesNotExist();

    CliRun badName = cairn("", "connect", "certs", "--service", "web api", "--dir", dir, "--once");
    assertThat(badName.status()).isEqualTo(1);
    assertThat(badName.err()).contains("service: 'web api' is not a DNS label");
    // Without --once too, a refusal before the first write ends the command, files unwritten.
    CliRun anonymous =
        cairnWith(Map.of(), "", "connect", "certs", "--service", "web", "--dir", dir);
    assertThat(anonymous.status()).isEqualTo(1);
    assertThat(anonymous.err()).contains("lacks permission 'service:write' on \"web\"");
    assertThat(new CertDir(Path.of(dir)).names()).isEmpty();
  }

  @Test
  void lockRunsTheCommandHoldingTheLockAndReleasesIt() throws Exception {
    java.util.concurrent.CompletableFuture<CliRun> run =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return cairn("", "lock", "jobs/nightly", "sleep 6; exit 3");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // While the command runs, the key is held by a session.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> get("/v1/kv/jobs/nightly/.lock").path(0).has("Session"));
    CliRun done = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(done.status()).as(done.err()).isEqualTo(3);
    assertThat(done.err()).contains("lock acquired: jobs/nightly/.lock");
    // Afterwards the lock is free and the session gone.
    assertThat(get("/v1/kv/jobs/nightly/.lock").get(0).has("Session")).isFalse();
    assertThat(get("/v1/session/list").size()).isZero();
  }
}
