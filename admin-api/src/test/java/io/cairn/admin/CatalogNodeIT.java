package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.agent.model.Member;
import com.ecwid.consul.v1.catalog.model.CatalogNode;
import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.AdminServer.Reply;
import io.cairn.registry.config.IntentionAction;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/catalog/node}, {@code /v1/catalog/node-services} and {@code /v1/agent/members}. */
class CatalogNodeIT {
  private static final String NODE = AdminServer.NODE.name();
  private AdminServer api;

  @BeforeEach
  void start() {
    api = AdminServer.start();
    register("web-1", "web", 8080);
    register("api-1", "api", 9090);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private void register(String id, String name, int port) {
    Reply r =
        api.put(
            "/v1/agent/service/register",
            "{\"ID\":\""
                + id
                + "\",\"Name\":\""
                + name
                + "\",\"Address\":\"10.0.0.1\",\"Port\":"
                + port
                + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void theNodeListsItsServicesAsConsulDoes() throws Exception {
    Reply node = api.get("/v1/catalog/node/" + NODE);
    assertThat(node.status()).isEqualTo(200);
    assertThat(node.json().get("Node").get("Node").asText()).isEqualTo(NODE);
    JsonNode services = node.json().get("Services");
    assertThat(services.get("web-1").get("Service").asText()).isEqualTo("web");
    assertThat(services.get("api-1").get("Port").asInt()).isEqualTo(9090);
    assertThat(api.get("/v1/catalog/node/elsewhere").body()).isEqualTo("null");

    Reply list = api.get("/v1/catalog/node-services/" + NODE);
    assertThat(list.json().get("Services").findValuesAsText("ID"))
        .containsExactly("api-1", "web-1");
    Reply missing = api.get("/v1/catalog/node-services/elsewhere");
    assertThat(missing.status()).as("Consul's answer for an unknown node").isEqualTo(200);
    assertThat(missing.body()).isEqualTo("{\"Node\":null,\"Services\":null}");
    assertThat(missing.index()).isPositive();
    assertThat(missing.header("X-Consul-Results-Filtered-By-ACLs")).isEmpty();
    assertThat(
            api.get("/v1/catalog/node/" + NODE + "?filter=Service%20==%20web")
                .json()
                .get("Services")
                .size())
        .isEqualTo(1);

    // Blocking on the catalog: a new registration wakes the read.
    long index = node.index();
    CompletableFuture<Reply> waiting =
        CompletableFuture.supplyAsync(
            () -> api.get("/v1/catalog/node/" + NODE + "?index=" + index));
    register("db-1", "db", 5432);
    assertThat(waiting.get(30, TimeUnit.SECONDS).json().get("Services").has("db-1")).isTrue();
  }

  @Test
  void anUnchangedConsulClientReadsTheNodeAndTheMembers() {
    ConsulClient consul = new ConsulClient("127.0.0.1", api.port());
    CatalogNode node = consul.getCatalogNode(NODE, QueryParams.DEFAULT).getValue();
    assertThat(node.getNode().getNode()).isEqualTo(NODE);
    assertThat(node.getServices()).containsKeys("web-1", "api-1");
    List<Member> members = consul.getAgentMembers().getValue();
    assertThat(members)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getName()).isEqualTo(NODE);
              assertThat(m.getStatus()).isEqualTo(1);
              assertThat(m.getTags()).containsEntry("dc", AdminServer.NODE.datacenter());
            });
    assertThat(api.get("/v1/agent/members?segment=other").status()).isEqualTo(400);
  }

  @Test
  void theWanMemberIsTheNodeInTheDatacenterOnTheSerfWanPort() {
    String dc = AdminServer.NODE.datacenter();
    JsonNode lan = api.get("/v1/agent/members").json();
    assertThat(lan.findValuesAsText("Name")).containsExactly(NODE);
    assertThat(lan.get(0).get("Port").asInt()).isEqualTo(8301);
    for (String wan : List.of("?wan=1", "?wan=true", "?wan=1&segment=_all")) {
      Reply r = api.get("/v1/agent/members" + wan);
      assertThat(r.status()).as(wan + ": " + r.body()).isEqualTo(200);
      assertThat(r.json().findValuesAsText("Name")).as(wan).containsExactly(NODE + "." + dc);
      assertThat(r.json().get(0).get("Port").asInt()).as(wan).isEqualTo(8302);
      assertThat(r.json().get(0).get("Tags").get("dc").asText()).isEqualTo(dc);
    }
    // As Consul: a "wan" with no value is the LAN.
    assertThat(api.get("/v1/agent/members?wan").json().findValuesAsText("Name"))
        .containsExactly(NODE);
    assertThat(api.get("/v1/agent/members?segment=_all").json().findValuesAsText("Name"))
        .containsExactly(NODE);

    Reply segmentOnWan = api.get("/v1/agent/members?wan=1&segment=alpha");
    assertThat(segmentOnWan.status()).isEqualTo(400);
    assertThat(segmentOnWan.body()).contains("Cannot provide a segment with wan=true");
    Reply segment = api.get("/v1/agent/members?segment=alpha");
    assertThat(segment.status()).isEqualTo(400);
    assertThat(segment.body()).contains("network segments are not supported");

    ConsulClient consul = new ConsulClient("127.0.0.1", api.port());
    assertThat(consul.getAgentMembers().getValue())
        .singleElement()
        .satisfies(m -> assertThat(m.getPort()).isEqualTo(8301));
  }

  @Test
  void aclsFilterTheNodeAndItsServices() {
    try (AdminServer acl = AdminServer.start(Optional.of("s3cret"), IntentionAction.ALLOW)) {
      acl.send(
          "PUT",
          "/v1/agent/service/register",
          "{\"ID\":\"web-1\",\"Name\":\"web\",\"Port\":80}",
          "X-Consul-Token",
          "s3cret");
      Reply anonymous = acl.get("/v1/catalog/node/" + NODE);
      assertThat(anonymous.body()).isEqualTo("null");
      assertThat(anonymous.header("X-Consul-Results-Filtered-By-ACLs")).hasValue("true");
      assertThat(acl.get("/v1/agent/members").body()).isEqualTo("[]");
      Reply root = acl.send("GET", "/v1/catalog/node/" + NODE, null, "X-Consul-Token", "s3cret");
      assertThat(root.json().get("Services").has("web-1")).isTrue();
    }
  }

  /**
   * As Consul's ACL filter: a node the token may not read is {@code null} (node) or {@code
   * {"Node":null,"Services":null}} (node-services) and the member list leaves it out, each with a
   * 200 marked filtered; members are read by their own name, which on the WAN is {@code
   * <node>.<dc>}.
   */
  @Test
  void aTokenWithoutNodeReadGetsFilteredAnswersNotErrors() {
    String filtered = "X-Consul-Results-Filtered-By-ACLs";
    try (AdminServer acl = AdminServer.start(Optional.of("s3cret"), IntentionAction.ALLOW)) {
      for (String service : List.of("web", "api")) {
        acl.send(
            "PUT",
            "/v1/agent/service/register",
            "{\"ID\":\"" + service + "-1\",\"Name\":\"" + service + "\",\"Port\":80}",
            "X-Consul-Token",
            "s3cret");
      }
      String services =
          acl.aclToken("s3cret", "services", "service_prefix \\\"\\\" { policy = \\\"read\\\" }");
      Reply list =
          acl.send("GET", "/v1/catalog/node-services/" + NODE, null, "X-Consul-Token", services);
      assertThat(list.status()).as(list.body()).isEqualTo(200);
      assertThat(list.body()).isEqualTo("{\"Node\":null,\"Services\":null}");
      assertThat(list.header(filtered)).hasValue("true");
      Reply node = acl.send("GET", "/v1/catalog/node/" + NODE, null, "X-Consul-Token", services);
      assertThat(node.body()).isEqualTo("null");
      assertThat(node.header(filtered)).hasValue("true");
      Reply members = acl.send("GET", "/v1/agent/members", null, "X-Consul-Token", services);
      assertThat(members.body()).isEqualTo("[]");
      assertThat(members.header(filtered)).hasValue("true");
      Reply unknown =
          acl.send("GET", "/v1/catalog/node-services/elsewhere", null, "X-Consul-Token", services);
      assertThat(unknown.body()).isEqualTo("{\"Node\":null,\"Services\":null}");
      assertThat(unknown.header(filtered)).as("nothing there to filter").isEmpty();

      String nodeAndWeb =
          acl.aclToken(
              "s3cret",
              "node-and-web",
              "node \\\""
                  + NODE
                  + "\\\" { policy = \\\"read\\\" }"
                  + " service \\\"web\\\" { policy = \\\"read\\\" }");
      Reply web =
          acl.send("GET", "/v1/catalog/node-services/" + NODE, null, "X-Consul-Token", nodeAndWeb);
      assertThat(web.json().get("Node").get("Node").asText()).isEqualTo(NODE);
      assertThat(web.json().get("Services").findValuesAsText("ID")).containsExactly("web-1");
      assertThat(web.header(filtered)).as("api-1 left out").hasValue("true");
      Reply onlyWeb =
          acl.send(
              "GET",
              "/v1/catalog/node-services/" + NODE + "?filter=Service%20==%20web",
              null,
              "X-Consul-Token",
              nodeAndWeb);
      assertThat(onlyWeb.json().get("Services").findValuesAsText("ID")).containsExactly("web-1");
      assertThat(onlyWeb.header(filtered))
          .as("api-1 is left out by the filter, before the ACLs, as in Consul")
          .isEmpty();
      Reply lan = acl.send("GET", "/v1/agent/members", null, "X-Consul-Token", nodeAndWeb);
      assertThat(lan.json().findValuesAsText("Name")).containsExactly(NODE);
      assertThat(lan.header(filtered)).isEmpty();
      Reply wan = acl.send("GET", "/v1/agent/members?wan=1", null, "X-Consul-Token", nodeAndWeb);
      assertThat(wan.body()).as("node \"%s\" does not cover %s.dc1", NODE, NODE).isEqualTo("[]");
      assertThat(wan.header(filtered)).hasValue("true");

      String nodePrefix =
          acl.aclToken(
              "s3cret",
              "node-prefix",
              "node_prefix \\\"" + NODE + "\\\" { policy = \\\"read\\\" }");
      Reply wanByPrefix =
          acl.send("GET", "/v1/agent/members?wan=1", null, "X-Consul-Token", nodePrefix);
      assertThat(wanByPrefix.json().findValuesAsText("Name"))
          .containsExactly(NODE + "." + AdminServer.NODE.datacenter());
      assertThat(wanByPrefix.header(filtered)).isEmpty();
    }
  }

  @Test
  void theCatalogRegistersAndDeregistersServicesOfCairnsNode() {
    Reply ok =
        api.put(
            "/v1/catalog/register",
            "{\"Node\":\""
                + NODE
                + "\",\"Address\":\""
                + AdminServer.NODE.address()
                + "\",\"Service\":{\"ID\":\"redis-1\",\"Service\":\"redis\","
                + "\"Address\":\"10.0.0.7\",\"Port\":6379,\"Tags\":[\"primary\"]}}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("true");
    JsonNode rows = api.get("/v1/catalog/service/redis").json();
    assertThat(rows.get(0).get("ServiceAddress").asText()).isEqualTo("10.0.0.7");
    assertThat(rows.get(0).get("ServiceTags").toString()).isEqualTo("[\"primary\"]");

    // On Cairn's own node, catalog checks (which no one would run) and node metadata are refused.
    Reply refused =
        api.put(
            "/v1/catalog/register",
            "{\"Node\":\""
                + NODE
                + "\",\"Service\":{\"Service\":\"search\",\"Port\":80},"
                + "\"Check\":{\"CheckID\":\"s\",\"Status\":\"passing\"},"
                + "\"NodeMeta\":{\"external\":\"true\"}}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("Problems").toString())
        .contains("Check: checks registered in the catalog are not supported")
        .contains("NodeMeta");
    assertThat(api.get("/v1/catalog/service/search").json().size()).isZero();

    Reply whole = api.put("/v1/catalog/deregister", "{\"Node\":\"" + NODE + "\"}");
    assertThat(whole.status()).isEqualTo(400);
    Reply gone =
        api.put("/v1/catalog/deregister", "{\"Node\":\"" + NODE + "\",\"ServiceID\":\"redis-1\"}");
    assertThat(gone.body()).isEqualTo("true");
    assertThat(api.get("/v1/catalog/service/redis").json().size()).isZero();
    assertThat(
            api.put(
                    "/v1/catalog/deregister",
                    "{\"Node\":\"" + NODE + "\",\"ServiceID\":\"redis-1\"}")
                .body())
        .as("Consul answers true for what is not there")
        .isEqualTo("true");
  }

  @Test
  void anUnchangedConsulClientRegistersThroughTheCatalog() {
    ConsulClient consul = new ConsulClient("127.0.0.1", api.port());
    com.ecwid.consul.v1.catalog.model.CatalogRegistration reg =
        new com.ecwid.consul.v1.catalog.model.CatalogRegistration();
    reg.setNode(NODE);
    reg.setAddress(AdminServer.NODE.address());
    com.ecwid.consul.v1.catalog.model.CatalogRegistration.Service svc =
        new com.ecwid.consul.v1.catalog.model.CatalogRegistration.Service();
    svc.setId("cache-1");
    svc.setService("cache");
    svc.setPort(11211);
    reg.setService(svc);
    consul.catalogRegister(reg);
    assertThat(consul.getCatalogService("cache", QueryParams.DEFAULT).getValue())
        .singleElement()
        .satisfies(s -> assertThat(s.getServicePort()).isEqualTo(11211));
    com.ecwid.consul.v1.catalog.model.CatalogDeregistration dereg =
        new com.ecwid.consul.v1.catalog.model.CatalogDeregistration();
    dereg.setNode(NODE);
    dereg.setServiceId("cache-1");
    consul.catalogDeregister(dereg);
    assertThat(consul.getCatalogService("cache", QueryParams.DEFAULT).getValue()).isEmpty();
  }
}
