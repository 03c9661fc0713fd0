package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.catalog.model.CatalogDeregistration;
import com.ecwid.consul.v1.catalog.model.CatalogRegistration;
import com.ecwid.consul.v1.health.HealthServicesRequest;
import com.ecwid.consul.v1.health.model.HealthService;
import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.AdminServer.Reply;
import io.cairn.registry.config.IntentionAction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes other than Cairn's registered through {@code /v1/catalog/register} (Consul's external
 * services): every catalog and health read shows them, with the status their registering client
 * writes.
 */
class CatalogExternalNodeIT {
  private AdminServer api;
  private ConsulClient consul;

  @BeforeEach
  void start() {
    api = AdminServer.start();
    consul = new ConsulClient("127.0.0.1", api.port());
    Reply local =
        api.put(
            "/v1/agent/service/register",
            "{\"ID\":\"db-local\",\"Name\":\"db\",\"Address\":\"10.0.0.1\",\"Port\":5432}");
    assertThat(local.status()).as(local.body()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  /** What consul-esm and Consul's external-services guide send, through the Ecwid client. */
  private void registerExternal(String node, String address, String checkStatus) {
    CatalogRegistration reg = new CatalogRegistration();
    reg.setNode(node);
    reg.setAddress(address);
    reg.setNodeMeta(Map.of("external-node", "true"));
    CatalogRegistration.Service svc = new CatalogRegistration.Service();
    svc.setId("db");
    svc.setService("db");
    svc.setPort(5432);
    svc.setTags(List.of("rds"));
    reg.setService(svc);
    CatalogRegistration.Check check = new CatalogRegistration.Check();
    check.setNode(node);
    check.setCheckId("db-alive");
    check.setName("db reachable");
    check.setServiceId("db");
    check.setStatus(CatalogRegistration.CheckStatus.valueOf(checkStatus));
    reg.setCheck(check);
    consul.catalogRegister(reg);
  }

  @Test
  void externalServicesShowInTheCatalogAndHealthWithTheirWrittenStatus() throws Exception {
    registerExternal("rds-1", "10.20.0.1", "PASSING");
    registerExternal("rds-2", "10.20.0.2", "CRITICAL");

    assertThat(consul.getCatalogService("db", QueryParams.DEFAULT).getValue())
        .extracting(s -> s.getNode(), s -> s.getAddress(), s -> s.getServiceAddress())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(AdminServer.NODE.name(), "127.0.0.1", "10.0.0.1"),
            org.assertj.core.groups.Tuple.tuple("rds-1", "10.20.0.1", ""),
            org.assertj.core.groups.Tuple.tuple("rds-2", "10.20.0.2", ""));
    assertThat(consul.getCatalogServices(QueryParams.DEFAULT).getValue().get("db")).contains("rds");

    List<HealthService> passing =
        consul
            .getHealthServices("db", HealthServicesRequest.newBuilder().setPassing(true).build())
            .getValue();
    assertThat(passing)
        .extracting(h -> h.getNode().getNode())
        .containsExactlyInAnyOrder(AdminServer.NODE.name(), "rds-1");
    HealthService rds1 =
        passing.stream().filter(h -> h.getNode().getNode().equals("rds-1")).findFirst().get();
    assertThat(rds1.getNode().getMeta()).containsEntry("external-node", "true");
    assertThat(rds1.getChecks())
        .extracting(c -> c.getCheckId())
        .as("no serfHealth on a node no agent runs")
        .containsExactly("db-alive");

    assertThat(api.get("/v1/catalog/nodes").json().findValuesAsText("Node"))
        .containsExactly(AdminServer.NODE.name(), "rds-1", "rds-2");
    assertThat(consul.getCatalogNode("rds-2", QueryParams.DEFAULT).getValue().getServices())
        .containsKey("db");
    Reply nodeServices = api.get("/v1/catalog/node-services/rds-2");
    assertThat(nodeServices.json().get("Services").get(0).get("ID").asText()).isEqualTo("db");
    assertThat(api.get("/v1/health/node/rds-2").json().findValuesAsText("Status"))
        .containsExactly("critical");
    assertThat(api.get("/v1/health/state/critical").json().findValuesAsText("Node"))
        .contains("rds-2");
    assertThat(api.get("/v1/health/checks/db").json().findValuesAsText("CheckID"))
        .contains("db-alive");

    // The client flips the status (as consul-esm does): a blocking health read wakes up.
    long index = api.get("/v1/health/service/db?passing").index();
    CompletableFuture<Reply> waiting =
        CompletableFuture.supplyAsync(
            () -> api.get("/v1/health/service/db?passing&index=" + index));
    registerExternal("rds-2", "10.20.0.2", "PASSING");
    JsonNode woken = waiting.get(30, TimeUnit.SECONDS).json();
    assertThat(woken.findValues("Node").stream().map(n -> n.path("Node").asText()))
        .contains("rds-2");
  }

  @Test
  void deregisteringAServiceACheckOrTheNode() {
    registerExternal("rds-1", "10.20.0.1", "PASSING");
    CatalogDeregistration check = new CatalogDeregistration();
    check.setNode("rds-1");
    check.setCheckId("db-alive");
    consul.catalogDeregister(check);
    assertThat(api.get("/v1/health/node/rds-1").json().size()).isZero();

    CatalogDeregistration node = new CatalogDeregistration();
    node.setNode("rds-1");
    consul.catalogDeregister(node);
    assertThat(api.get("/v1/catalog/service/db").json().findValuesAsText("Node"))
        .containsExactly(AdminServer.NODE.name());
    assertThat(api.get("/v1/catalog/node/rds-1").body()).isEqualTo("null");
    assertThat(api.get("/v1/catalog/nodes").json().size()).isEqualTo(1);
  }

  @Test
  void aConnectNativeServiceOfACatalogNodeIsKeptAndShownButASidecarIsRefused() {
    Reply ok =
        api.put(
            "/v1/catalog/register",
            "{\"Node\":\"ext-1\",\"Address\":\"10.0.0.9\","
                + "\"Service\":{\"Service\":\"ledger\",\"Port\":8443,"
                + "\"Connect\":{\"Native\":true}}}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    JsonNode row = api.get("/v1/catalog/service/ledger").json().get(0);
    assertThat(row.at("/ServiceConnect/Native").asBoolean()).as(row.toString()).isTrue();
    assertThat(
            api.get("/v1/health/service/ledger")
                .json()
                .get(0)
                .at("/Service/Connect/Native")
                .asBoolean())
        .isTrue();
    Reply sidecar =
        api.put(
            "/v1/catalog/register",
            "{\"Node\":\"ext-1\",\"Address\":\"10.0.0.9\","
                + "\"Service\":{\"Service\":\"ledger\",\"Port\":8443,"
                + "\"Connect\":{\"SidecarService\":{}}}}");
    assertThat(sidecar.status()).isEqualTo(400);
    assertThat(sidecar.body()).contains("Service.Connect.SidecarService");
  }

  @Test
  void badRegistrationsAreRefusedWithEveryProblem() {
    Reply bad =
        api.put(
            "/v1/catalog/register",
            "{\"Node\":\"ext_1\",\"Address\":\"\","
                + "\"Service\":{\"Service\":\"search\",\"Port\":80,"
                + "\"Check\":{\"HTTP\":\"http://x\",\"Interval\":\"10s\"}},"
                + "\"Checks\":[{\"CheckID\":\"a\",\"Status\":\"maintenance\"},"
                + "{\"CheckID\":\"b\",\"Definition\":{\"HTTP\":\"http://x\"}}]}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("Problems").toString())
        .contains("Node")
        .contains("Address")
        .contains("Service.Check")
        .contains("Status")
        .contains("Definition");
    Reply orphan =
        api.put(
            "/v1/catalog/register",
            "{\"Node\":\"ext-1\",\"Address\":\"10.0.0.9\","
                + "\"Check\":{\"CheckID\":\"c\",\"ServiceID\":\"nope\",\"Status\":\"passing\"}}");
    assertThat(orphan.status()).isEqualTo(400);
    assertThat(orphan.body()).contains("Missing service registration");
    assertThat(api.get("/v1/catalog/nodes").json().size())
        .as("a refused registration leaves nothing behind")
        .isEqualTo(1);
  }

  @Test
  void aclsNeedNodeWriteToRegisterAndNodeReadToSeeIt() {
    try (AdminServer acl = AdminServer.start(Optional.of("s3cret"), IntentionAction.ALLOW)) {
      String body =
          "{\"Node\":\"rds-1\",\"Address\":\"10.20.0.1\","
              + "\"Service\":{\"Service\":\"db\",\"Port\":5432}}";
      assertThat(acl.put("/v1/catalog/register", body).status()).isEqualTo(403);
      Reply ok = acl.send("PUT", "/v1/catalog/register", body, "X-Consul-Token", "s3cret");
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      Reply anonymous = acl.get("/v1/catalog/service/db");
      assertThat(anonymous.body()).isEqualTo("[]");
      Reply root = acl.send("GET", "/v1/catalog/service/db", null, "X-Consul-Token", "s3cret");
      assertThat(root.json().findValuesAsText("Node")).containsExactly("rds-1");
    }
  }
}
