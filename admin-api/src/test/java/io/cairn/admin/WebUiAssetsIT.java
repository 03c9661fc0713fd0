package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.AdminServer.Reply;
import io.cairn.registry.config.IntentionAction;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The web UI's files and its summary endpoint over HTTP (the page itself is driven in a browser by
 * the server module's {@code WebUiIT}).
 */
class WebUiAssetsIT {
  private AdminServer api;

  @BeforeEach
  void start() {
    api = AdminServer.start(Optional.of("secret"), IntentionAction.DENY);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void theUiIsServedWithItsTypesAPolicyAndETags() {
    Reply bare = api.get("/ui");
    assertThat(bare.status()).isEqualTo(301);
    assertThat(bare.header("Location")).contains("/ui/");
    assertThat(api.get("/").header("Location")).contains("/ui/");

    Reply page = api.get("/ui/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("<script src=\"app.js\"");
    assertThat(page.header("Content-Security-Policy"))
        .hasValueSatisfying(p -> assertThat(p).contains("default-src 'self'"));

    Reply script = api.get("/ui/app.js");
    assertThat(script.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    String etag = script.header("ETag").orElseThrow();
    Reply again = api.send("GET", "/ui/app.js", null, "If-None-Match", etag);
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(api.send("GET", "/ui/app.js", null, "If-None-Match", "\"old\"").status())
        .isEqualTo(200);
    assertThat(api.get("/ui/style.css").header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));

    Reply missing = api.get("/ui/secrets.txt");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("Error").asText()).contains("secrets.txt");
    assertThat(api.get("/ui/..%2Fpom.xml").status()).isEqualTo(404);
    assertThat(api.send("PUT", "/ui/app.js", "x", "X-Consul-Token", "secret").status())
        .isEqualTo(405);
  }

  @Test
  void theKeyValuePageIsLinkedAndUsesTheKvApi() {
    assertThat(api.get("/ui/").body()).contains("href=\"#/kv/\"", "Key/Value");

    String script = api.get("/ui/app.js").body();
    assertThat(script)
        .contains(
            "/v1/kv/",
            "?keys&separator=/",
            "?cas=${current ? current.ModifyIndex : 0}",
            "?recurse",
            "the key changed meanwhile",
            "X-Consul-Token",
            "&flags=${current.Flags}",
            "new TextDecoder('utf-8', { fatal: true })",
            ".filter((k) => k !== prefix)");
    assertThat(script).as("user data goes in as text nodes").doesNotContain("innerHTML");
  }

  @Test
  void settingsTellTheUiHowTheServerRuns() {
    JsonNode settings = api.get("/v1/internal/ui/settings").json();
    assertThat(settings.get("DefaultIntentionPolicy").asText()).isEqualTo("deny");
    assertThat(settings.get("ACLsEnabled").asBoolean()).isTrue();
    assertThat(settings.get("Node").asText()).isEqualTo("cairn-test");
    assertThat(settings.get("Datacenter").asText()).isEqualTo("dc1");
  }

  private void register(String body) {
    Reply r = api.send("PUT", "/v1/agent/service/register", body, "X-Consul-Token", "secret");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void servicesAreSummedUpByInstanceStateAndTheListBlocksOnAnyChange() throws Exception {
    for (String[] i :
        new String[][] {{"web-1", "passing"}, {"web-2", "warning"}, {"web-3", "critical"}}) {
      register(
          """
          {"ID":"%s","Name":"web","Tags":["%s"],"Check":{"CheckID":"%s:ttl","TTL":"60s","Status":"%s"}}"""
              .formatted(i[0], i[1], i[0], i[1]));
    }
    register("{\"ID\":\"web-4\",\"Name\":\"web\"}");
    register(
        """
        {"ID":"web-4-sidecar-proxy","Name":"web-sidecar-proxy","Kind":"connect-proxy","Port":21000,
         "Proxy":{"DestinationServiceName":"web","LocalServicePort":8080}}""");
    Reply maint =
        api.send(
            "PUT",
            "/v1/agent/service/maintenance/web-4?enable=true",
            null,
            "X-Consul-Token",
            "secret");
    assertThat(maint.status()).isEqualTo(200);

    // Under ACLs (deny by default) the list shows only what the token may read.
    Reply anonymous = api.get("/v1/internal/ui/services");
    assertThat(anonymous.json()).isEmpty();
    assertThat(anonymous.header("X-Consul-Results-Filtered-By-ACLs")).contains("true");
    Reply first = api.send("GET", "/v1/internal/ui/services", null, "X-Consul-Token", "secret");
    JsonNode web = first.json().get(0);
    assertThat(web.get("Name").asText()).isEqualTo("web");
    assertThat(web.get("Kind").asText()).isEmpty();
    assertThat(web.get("InstanceCount").asInt()).isEqualTo(4);
    assertThat(web.get("InstancesPassing").asInt()).isEqualTo(1);
    assertThat(web.get("InstancesWarning").asInt()).isEqualTo(1);
    assertThat(web.get("InstancesCritical").asInt()).isEqualTo(1);
    assertThat(web.get("InstancesMaintenance").asInt()).isEqualTo(1);
    assertThat(web.get("ChecksCritical").asInt()).isEqualTo(2); // web-3's and web-4's maintenance
    assertThat(web.get("Tags")).extracting(JsonNode::asText).contains("passing", "warning");
    assertThat(first.json().get(1).get("Kind").asText()).isEqualTo("connect-proxy");

    // A config entry is not a catalog change, yet the UI must hear of it: any change wakes it.
    CompletableFuture<Reply> blocked =
        CompletableFuture.supplyAsync(
            () ->
                api.send(
                    "GET",
                    "/v1/internal/ui/services?index=" + first.index() + "&wait=30s",
                    null,
                    "X-Consul-Token",
                    "secret"));
    Thread.sleep(300);
    assertThat(blocked).isNotDone();
    Reply put =
        api.send(
            "PUT",
            "/v1/config",
            "{\"Kind\":\"service-defaults\",\"Name\":\"web\",\"Protocol\":\"http\"}",
            "X-Consul-Token",
            "secret");
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(blocked.get(10, TimeUnit.SECONDS).index()).isGreaterThan(first.index());
  }

  private void registerInCatalog(String body) {
    Reply r = api.send("PUT", "/v1/catalog/register", body, "X-Consul-Token", "secret");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /** The summary of service {@code name} in a list, or a failure naming what the list holds. */
  private static JsonNode summary(Reply list, String name) {
    for (JsonNode s : list.json()) {
      if (s.get("Name").asText().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no " + name + " in " + list.body());
  }

  @Test
  void servicesOnCatalogNodesAreSummedUpWithTheirNodesReadRights() throws Exception {
    // db exists only on catalog nodes; web on Cairn's node and on rds-1.
    registerInCatalog(
        """
        {"Node":"rds-1","Address":"10.20.0.1",
         "Service":{"ID":"db","Service":"db","Port":5432,"Tags":["rds"]},
         "Check":{"CheckID":"db-alive","Name":"db reachable","ServiceID":"db","Status":"passing"}}""");
    registerInCatalog(
        """
        {"Node":"rds-1","Address":"10.20.0.1","Service":{"ID":"web","Service":"web","Port":80}}""");
    register("{\"ID\":\"web-1\",\"Name\":\"web\",\"Port\":8080}");
    Reply before = api.send("GET", "/v1/internal/ui/services", null, "X-Consul-Token", "secret");
    JsonNode db = summary(before, "db");
    assertThat(db.get("Kind").asText()).isEmpty();
    assertThat(db.get("Tags")).extracting(JsonNode::asText).containsExactly("rds");
    assertThat(db.get("InstanceCount").asInt()).isEqualTo(1);
    assertThat(db.get("CatalogInstanceCount").asInt()).isEqualTo(1);
    assertThat(db.get("InstancesPassing").asInt()).isEqualTo(1);
    assertThat(db.get("ChecksPassing").asInt()).isEqualTo(1);
    JsonNode web = summary(before, "web");
    assertThat(web.get("InstanceCount").asInt()).isEqualTo(2);
    assertThat(web.get("CatalogInstanceCount").asInt()).isEqualTo(1);
    assertThat(web.get("InstancesPassing").asInt()).isEqualTo(2);

    // A second node whose node check fails: the open list hears of it, and the check counts for
    // the node's service, as /v1/health/service/db shows it.
    CompletableFuture<Reply> blocked =
        CompletableFuture.supplyAsync(
            () ->
                api.send(
                    "GET",
                    "/v1/internal/ui/services?index=" + before.index() + "&wait=30s",
                    null,
                    "X-Consul-Token",
                    "secret"));
    registerInCatalog(
        """
        {"Node":"rds-2","Address":"10.20.0.2","Service":{"ID":"db","Service":"db","Port":5432},
         "Check":{"CheckID":"rds-2-alive","Name":"node reachable","Status":"critical"}}""");
    Reply after = blocked.get(10, TimeUnit.SECONDS);
    assertThat(after.index()).isGreaterThan(before.index());
    db = summary(after, "db");
    assertThat(db.get("InstanceCount").asInt()).isEqualTo(2);
    assertThat(db.get("CatalogInstanceCount").asInt()).isEqualTo(2);
    assertThat(db.get("InstancesPassing").asInt()).isEqualTo(1);
    assertThat(db.get("InstancesCritical").asInt()).isEqualTo(1);
    assertThat(db.get("ChecksCritical").asInt()).isEqualTo(1);
    assertThat(db.get("ModifyIndex").asLong()).isEqualTo(after.index());

    // As in the HTTP API, an instance on a catalog node needs node:read on it besides service:read.
    String services =
        api.aclToken("secret", "services", "service_prefix \\\"\\\" { policy = \\\"read\\\" }");
    Reply noNodes = api.send("GET", "/v1/internal/ui/services", null, "X-Consul-Token", services);
    assertThat(noNodes.json().findValuesAsText("Name")).containsExactly("web");
    assertThat(summary(noNodes, "web").get("InstanceCount").asInt()).isEqualTo(1);
    assertThat(summary(noNodes, "web").get("CatalogInstanceCount").asInt()).isZero();
    assertThat(noNodes.header("X-Consul-Results-Filtered-By-ACLs")).contains("true");
    String rds1 =
        api.aclToken(
            "secret",
            "rds-1",
            "service_prefix \\\"\\\" { policy = \\\"read\\\" }"
                + " node \\\"rds-1\\\" { policy = \\\"read\\\" }");
    Reply oneNode = api.send("GET", "/v1/internal/ui/services", null, "X-Consul-Token", rds1);
    assertThat(oneNode.json().findValuesAsText("Name")).containsExactly("db", "web");
    db = summary(oneNode, "db");
    assertThat(db.get("InstanceCount").asInt()).isEqualTo(1);
    assertThat(db.get("InstancesPassing").asInt()).isEqualTo(1);
    assertThat(db.get("InstancesCritical").asInt()).isZero();
    assertThat(oneNode.header("X-Consul-Results-Filtered-By-ACLs")).contains("true");
    JsonNode rows = api.send("GET", "/v1/health/service/db", null, "X-Consul-Token", rds1).json();
    assertThat(rows)
        .extracting(r -> r.path("Node").path("Node").asText())
        .as("the same rows as the health API the service page reads")
        .containsExactly("rds-1");
  }
}
