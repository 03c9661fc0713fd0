package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.AdminServer.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent endpoints over HTTP, as Consul clients call them. */
class AgentApiIT {
  private AdminServer api;

  @BeforeEach
  void start() {
    api = AdminServer.start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void registersListsAndDeregistersAService() {
    Reply put =
        api.put(
            "/v1/agent/service/register",
            """
            {"ID": "web-1", "Name": "web", "Tags": ["v1", "primary"], "Address": "10.0.0.7",
             "Port": 8080, "Meta": {"version": "1.2"}, "Weights": {"Passing": 10, "Warning": 2},
             "EnableTagOverride": false, "Locality": {"Region": "eu-west", "Zone": "a"}}
            """);
    assertThat(put.status()).isEqualTo(200);

    JsonNode services = api.get("/v1/agent/services").json();
    assertThat(services.fieldNames()).toIterable().containsExactly("web-1");
    JsonNode web = services.get("web-1");
    assertThat(web.get("ID").asText()).isEqualTo("web-1");
    assertThat(web.get("Service").asText()).isEqualTo("web");
    assertThat(web.get("Tags")).extracting(JsonNode::asText).containsExactly("v1", "primary");
    assertThat(web.get("Address").asText()).isEqualTo("10.0.0.7");
    assertThat(web.get("Port").asInt()).isEqualTo(8080);
    assertThat(web.get("Meta").get("version").asText()).isEqualTo("1.2");
    assertThat(web.get("Weights").get("Passing").asInt()).isEqualTo(10);
    assertThat(web.get("Locality").get("Region").asText()).isEqualTo("eu-west");
    assertThat(web.get("Datacenter").asText()).isEqualTo("dc1");
    assertThat(web.has("Proxy")).isFalse();

    Reply one = api.get("/v1/agent/service/web-1");
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("ID").asText()).isEqualTo("web-1");

    assertThat(api.put("/v1/agent/service/deregister/web-1", null).status()).isEqualTo(200);
    assertThat(api.get("/v1/agent/services").json().size()).isZero();
    Reply gone = api.get("/v1/agent/service/web-1");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().get("Error").asText()).contains("web-1");
    assertThat(api.put("/v1/agent/service/deregister/web-1", null).status()).isEqualTo(404);
  }

  @Test
  void acceptsAnyCaseAndSnakeCaseAndDefaultsIdAndAddress() {
    assertThat(
            api.send(
                    "POST",
                    "/v1/agent/service/register",
                    """
                    {"name": "db", "port": 5432, "TAGS": ["primary"], "weights": {"passing": 3}}
                    """)
                .status())
        .isEqualTo(200);
    JsonNode db = api.get("/v1/agent/service/db").json();
    assertThat(db.get("ID").asText()).isEqualTo("db");
    assertThat(db.get("Address").asText()).as("the caller's address").isEqualTo("127.0.0.1");
    assertThat(db.get("Tags").get(0).asText()).isEqualTo("primary");
    assertThat(db.get("Weights").get("Passing").asInt()).isEqualTo(3);
    assertThat(db.get("Weights").get("Warning").asInt()).isEqualTo(1);
  }

  @Test
  void listsEveryProblemOfABadRegistration() {
    Reply bad =
        api.put(
            "/v1/agent/service/register",
            """
            {"Name": "bad_name", "Port": 70000, "Tags": ["ok", 5], "Weights": {"Passing": 0},
             "Meta": {"consul-x": "y"},
             "Checks": [{"TTL": "nonsense"}, {"HTTP": "http://x/", "TCP": "x:1", "Interval": "10s"},
                        {"Args": ["/bin/true"], "Interval": "5s"}]}
            """);
    assertThat(bad.status()).isEqualTo(400);
    List<String> problems = new ArrayList<>();
    bad.json().get("Problems").forEach(p -> problems.add(p.asText()));
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).startsWith("Name:").contains("DNS label"))
        .anySatisfy(p -> assertThat(p).startsWith("Port:"))
        .anySatisfy(p -> assertThat(p).startsWith("Tags[1]:"))
        .anySatisfy(p -> assertThat(p).startsWith("Weights.Passing:"))
        .anySatisfy(p -> assertThat(p).startsWith("Meta.consul-x:"))
        .anySatisfy(p -> assertThat(p).startsWith("Checks[0].TTL:"))
        .anySatisfy(p -> assertThat(p).startsWith("Checks[1]:").contains("more than one"))
        .anySatisfy(p -> assertThat(p).startsWith("Checks[2].Args:").contains("not supported"));
    assertThat(api.registry().snapshot().index()).as("nothing was written").isZero();

    assertThat(api.put("/v1/agent/service/register", "{not json").status()).isEqualTo(400);
    assertThat(api.put("/v1/agent/service/register", "[1,2]").json().get("Problems").toString())
        .contains("must be a JSON object");
    assertThat(api.put("/v1/agent/service/register", null).status()).isEqualTo(400);
  }

  /** A registration field Cairn would not act on is refused by name, at every level. */
  @Test
  void fieldsCairnWouldIgnoreAreRefusedWhereverTheyAppear() {
    Reply bad =
        api.put(
            "/v1/agent/service/register",
            """
            {"Name": "web", "Port": 80, "SocketPath": "/run/web.sock",
             "TaggedAddresses": {"wan": {"Address": "1.2.3.4", "Port": 80}},
             "Colour": "blue",
             "Check": {"HTTP": "http://127.0.0.1/", "Interval": "10s",
                       "TLSServerName": "web.internal"},
             "Checks": [{"TTL": "10s", "Method": "POST", "OutputMaxSize": 100}],
             "Connect": {"Native": true,
                         "SidecarService": {
                           "Proxy": {"Config": {"protocol": "http"},
                                     "Upstreams": [{"DestinationName": "api", "LocalBindPort": 9191,
                                                    "Datacenter": "dc2",
                                                    "DestinationPeer": "east"}]}}}}
            """);
    assertThat(bad.status()).as(bad.body()).isEqualTo(400);
    List<String> problems = new ArrayList<>();
    bad.json().get("Problems").forEach(p -> problems.add(p.asText()));
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).startsWith("SocketPath: is not supported"))
        .anySatisfy(p -> assertThat(p).startsWith("TaggedAddresses: is not supported"))
        .anySatisfy(p -> assertThat(p).startsWith("Colour: is not supported"))
        .anySatisfy(p -> assertThat(p).startsWith("Check.TLSServerName: is not supported"))
        .anySatisfy(p -> assertThat(p).startsWith("Checks[0].Method: is not supported"))
        .anySatisfy(p -> assertThat(p).startsWith("Checks[0].OutputMaxSize: Cairn keeps 4096"))
        .anySatisfy(p -> assertThat(p).startsWith("Connect.Native:").contains("SidecarService"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("Connect.SidecarService.Proxy.Config.protocol: is not supported"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("Connect.SidecarService.Proxy.Upstreams[0].Datacenter:")
                    .contains("'dc1'"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "Connect.SidecarService.Proxy.Upstreams[0].DestinationPeer: is not"));
    assertThat(api.registry().snapshot().index()).as("nothing was written").isZero();

    // Zero values, our own datacenter and EnableTagOverride (nothing to override here) are fine.
    Reply ok =
        api.put(
            "/v1/agent/service/register",
            """
            {"Name": "web", "Port": 80, "SocketPath": "", "TaggedAddresses": {},
             "EnableTagOverride": true, "Check": {"TTL": "10s", "OutputMaxSize": 4096},
             "Connect": {"Native": false,
                         "SidecarService": {
                           "Proxy": {"Config": {},
                                     "Upstreams": [{"DestinationName": "api", "LocalBindPort": 9191,
                                                    "Datacenter": "dc1",
                                                    "DestinationNamespace": "default"}]}}}}
            """);
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
  }

  /**
   * {@code Connect.Native} is stored and shown as Consul shows it; with a sidecar or on a proxy it
   * is refused.
   */
  @Test
  void connectNativeIsStoredAndEchoedAndRefusedWithASidecarOrOnAProxy() {
    Reply ok =
        api.put(
            "/v1/agent/service/register",
            """
            {"ID": "pay-1", "Name": "pay", "Port": 8443, "Address": "10.0.0.8",
             "Connect": {"Native": true}}
            """);
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    api.put("/v1/agent/service/register", "{\"ID\": \"pay-2\", \"Name\": \"pay\", \"Port\": 8080}");
    assertThat(api.registry().snapshot().instance("pay-1").orElseThrow().value().connectNative())
        .isTrue();
    assertThat(api.get("/v1/agent/service/pay-1").json().at("/Connect/Native").asBoolean())
        .isTrue();
    assertThat(api.get("/v1/agent/services").json().get("pay-1").at("/Connect/Native").asBoolean())
        .isTrue();
    assertThat(api.get("/v1/agent/services").json().get("pay-2").has("Connect")).isFalse();
    JsonNode catalog = api.get("/v1/catalog/service/pay").json();
    assertThat(catalog).hasSize(2);
    catalog.forEach(
        row ->
            assertThat(row.at("/ServiceConnect/Native").asBoolean())
                .as(row.toString())
                .isEqualTo(row.get("ServiceID").asText().equals("pay-1")));
    JsonNode health = api.get("/v1/health/service/pay").json();
    assertThat(health).hasSize(2);
    health.forEach(
        e ->
            assertThat(e.at("/Service/Connect/Native").asBoolean())
                .isEqualTo(e.at("/Service/ID").asText().equals("pay-1")));
    // Connect-capable endpoints: the native instance, not the plain one.
    JsonNode connect = api.get("/v1/health/connect/pay").json();
    assertThat(connect).hasSize(1);
    assertThat(connect.get(0).at("/Service/ID").asText()).isEqualTo("pay-1");
    // Registering it again without Native makes it plain.
    api.put("/v1/agent/service/register", "{\"ID\": \"pay-1\", \"Name\": \"pay\", \"Port\": 8443}");
    assertThat(api.registry().snapshot().instance("pay-1").orElseThrow().value().connectNative())
        .isFalse();

    long before = api.registry().snapshot().index();
    Reply withSidecar =
        api.put(
            "/v1/agent/service/register",
            "{\"Name\": \"pay\", \"Connect\": {\"Native\": true, \"SidecarService\": {}}}");
    assertThat(withSidecar.status()).isEqualTo(400);
    assertThat(withSidecar.json().get("Problems").toString())
        .contains("Connect.Native: a Connect-native service speaks mTLS itself")
        .contains("SidecarService");
    Reply onProxy =
        api.put(
            "/v1/agent/service/register",
            """
            {"Name": "pay-proxy", "Kind": "connect-proxy", "Port": 21000,
             "Proxy": {"DestinationServiceName": "pay"}, "Connect": {"Native": true}}
            """);
    assertThat(onProxy.status()).isEqualTo(400);
    assertThat(onProxy.json().get("Problems").toString())
        .contains("Connect.Native: a connect-proxy cannot be Connect-native");
    assertThat(api.registry().snapshot().index()).as("nothing was written").isEqualTo(before);
  }

  /** {@code /v1/health/connect/<service>}: the service's sidecars, as Consul lists them. */
  @Test
  void healthConnectListsTheSidecarsOfAService() {
    api.put(
        "/v1/agent/service/register",
        """
        {"ID": "web-1", "Name": "web", "Port": 8080, "Address": "10.0.0.5",
         "Connect": {"SidecarService": {
           "Checks": [{"CheckID": "web-1-proxy:ttl", "TTL": "30s", "Status": "critical"}]}}}
        """);
    api.put(
        "/v1/agent/service/register",
        """
        {"ID": "web-2", "Name": "web", "Port": 8081, "Address": "10.0.0.6",
         "Connect": {"SidecarService": {}}}
        """);
    api.put(
        "/v1/agent/service/register",
        "{\"ID\": \"api-1\", \"Name\": \"api\", \"Port\": 9000,"
            + " \"Connect\": {\"SidecarService\": {}}}");
    Reply all = api.get("/v1/health/connect/web");
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.header("X-Consul-Index")).isPresent();
    List<String> ids = new ArrayList<>();
    all.json().forEach(e -> ids.add(e.at("/Service/ID").asText()));
    assertThat(ids).containsExactlyInAnyOrder("web-1-sidecar-proxy", "web-2-sidecar-proxy");
    all.json()
        .forEach(
            e -> {
              assertThat(e.at("/Service/Kind").asText()).isEqualTo("connect-proxy");
              assertThat(e.at("/Service/Proxy/DestinationServiceName").asText()).isEqualTo("web");
            });
    JsonNode passing = api.get("/v1/health/connect/web?passing").json();
    assertThat(passing).hasSize(1);
    assertThat(passing.get(0).at("/Service/ID").asText()).isEqualTo("web-2-sidecar-proxy");
    assertThat(api.get("/v1/health/connect/web?filter=Service.Port%20%3D%3D%2021001").json())
        .hasSize(1);
    assertThat(api.get("/v1/health/connect/nothing").json()).isEmpty();
  }

  @Test
  void checksDefaultLikeConsulAndTtlUpdatesChangeStatus() {
    api.put(
        "/v1/agent/service/register",
        """
        {"ID": "api-1", "Name": "api", "Port": 9000,
         "Check": {"TTL": "30s", "Notes": "heartbeat"}}
        """);
    JsonNode checks = api.get("/v1/agent/checks").json();
    JsonNode ttl = checks.get("service:api-1");
    assertThat(ttl.get("Status").asText())
        .as("Consul's default initial status")
        .isEqualTo("critical");
    assertThat(ttl.get("Name").asText()).isEqualTo("Service 'api' check");
    assertThat(ttl.get("ServiceID").asText()).isEqualTo("api-1");
    assertThat(ttl.get("Type").asText()).isEqualTo("ttl");
    assertThat(ttl.get("Definition").get("TTL").asText()).isEqualTo("30s");

    assertThat(api.put("/v1/agent/check/pass/service:api-1?note=all%20good", null).status())
        .isEqualTo(200);
    JsonNode passed = api.get("/v1/agent/checks").json().get("service:api-1");
    assertThat(passed.get("Status").asText()).isEqualTo("passing");
    assertThat(passed.get("Output").asText()).isEqualTo("all good");

    api.put("/v1/agent/check/warn/service:api-1", null);
    assertThat(api.get("/v1/agent/checks").json().get("service:api-1").get("Status").asText())
        .isEqualTo("warning");
    api.put("/v1/agent/check/fail/service:api-1", null);
    assertThat(api.get("/v1/agent/checks").json().get("service:api-1").get("Status").asText())
        .isEqualTo("critical");

    assertThat(
            api.put(
                    "/v1/agent/check/update/service:api-1",
                    "{\"Status\": \"passing\", \"Output\": \"via update\"}")
                .status())
        .isEqualTo(200);
    assertThat(api.get("/v1/agent/checks").json().get("service:api-1").get("Output").asText())
        .isEqualTo("via update");
    assertThat(api.put("/v1/agent/check/update/service:api-1", "{\"Status\": \"fine\"}").status())
        .isEqualTo(400);
    assertThat(api.put("/v1/agent/check/pass/nope", null).status()).isEqualTo(404);
  }

  @Test
  void onlyTtlChecksTakeStatusFromOutside() {
    api.put(
        "/v1/agent/service/register",
        """
        {"ID": "w", "Name": "w", "Port": 80,
         "Checks": [{"CheckID": "w-http", "HTTP": "http://127.0.0.1:80/health", "Interval": "10s"}]}
        """);
    Reply refused = api.put("/v1/agent/check/pass/w-http", null);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("Error").asText()).contains("only TTL checks");
  }

  @Test
  void maintenanceShowsAsConsulsMaintenanceCheckAndSurvivesInTheRegistry() {
    api.put("/v1/agent/service/register", "{\"ID\": \"m-1\", \"Name\": \"m\", \"Port\": 1}");
    assertThat(
            api.put("/v1/agent/service/maintenance/m-1?enable=true&reason=kernel", null).status())
        .isEqualTo(200);
    JsonNode check = api.get("/v1/agent/checks").json().get("_service_maintenance:m-1");
    assertThat(check.get("Status").asText()).isEqualTo("critical");
    assertThat(check.get("Notes").asText()).isEqualTo("kernel");

    assertThat(api.put("/v1/agent/service/maintenance/m-1", null).status()).isEqualTo(400);
    assertThat(api.put("/v1/agent/service/maintenance/nope?enable=true", null).status())
        .isEqualTo(404);
    api.put("/v1/agent/service/maintenance/m-1?enable=false", null);
    assertThat(api.get("/v1/agent/checks").json().has("_service_maintenance:m-1")).isFalse();
  }

  @Test
  void sidecarServiceRegistersAConnectProxyAlongside() {
    Reply put =
        api.put(
            "/v1/agent/service/register",
            """
            {"ID": "web-1", "Name": "web", "Port": 8080, "Address": "10.0.0.5",
             "Connect": {"SidecarService": {"Proxy": {"Upstreams": [
               {"DestinationName": "api", "LocalBindPort": 9191}]}}}}
            """);
    assertThat(put.status()).isEqualTo(200);
    JsonNode sidecar = api.get("/v1/agent/service/web-1-sidecar-proxy").json();
    assertThat(sidecar.get("Kind").asText()).isEqualTo("connect-proxy");
    assertThat(sidecar.get("Service").asText()).isEqualTo("web-sidecar-proxy");
    assertThat(sidecar.get("Port").asInt()).isEqualTo(21000);
    assertThat(sidecar.get("Address").asText()).isEqualTo("10.0.0.5");
    JsonNode proxy = sidecar.get("Proxy");
    assertThat(proxy.get("DestinationServiceName").asText()).isEqualTo("web");
    assertThat(proxy.get("DestinationServiceID").asText()).isEqualTo("web-1");
    assertThat(proxy.get("LocalServicePort").asInt()).isEqualTo(8080);
    assertThat(proxy.get("Upstreams").get(0).get("DestinationName").asText()).isEqualTo("api");
    assertThat(proxy.get("Upstreams").get(0).get("LocalBindPort").asInt()).isEqualTo(9191);

    api.put(
        "/v1/agent/service/register",
        "{\"ID\": \"web-2\", \"Name\": \"web\", \"Port\": 8081, \"Connect\": {\"SidecarService\": {}}}");
    assertThat(api.get("/v1/agent/service/web-2-sidecar-proxy").json().get("Port").asInt())
        .as("next free port of Consul's sidecar range")
        .isEqualTo(21001);
  }

  @Test
  void replaceExistingChecksDropsChecksLeftOut() {
    api.put(
        "/v1/agent/service/register",
        "{\"ID\": \"r\", \"Name\": \"r\", \"Port\": 1, \"Checks\": [{\"CheckID\": \"a\", \"TTL\": \"5s\"}, {\"CheckID\": \"b\", \"TTL\": \"5s\"}]}");
    api.put(
        "/v1/agent/service/register",
        "{\"ID\": \"r\", \"Name\": \"r\", \"Port\": 1, \"Checks\": [{\"CheckID\": \"a\", \"TTL\": \"5s\"}]}");
    assertThat(api.get("/v1/agent/checks").json().has("b")).as("kept without the flag").isTrue();
    api.put(
        "/v1/agent/service/register?replace-existing-checks",
        "{\"ID\": \"r\", \"Name\": \"r\", \"Port\": 1, \"Checks\": [{\"CheckID\": \"a\", \"TTL\": \"5s\"}]}");
    assertThat(api.get("/v1/agent/checks").json().has("b")).isFalse();
  }

  @Test
  void checksCanBeRegisteredAndDeregisteredOnTheirOwn() {
    api.put("/v1/agent/service/register", "{\"ID\": \"s\", \"Name\": \"s\", \"Port\": 1}");
    assertThat(
            api.put(
                    "/v1/agent/check/register",
                    "{\"ID\": \"s-ttl\", \"Name\": \"ttl\", \"ServiceID\": \"s\", \"TTL\": \"10s\", \"Status\": \"passing\"}")
                .status())
        .isEqualTo(200);
    assertThat(api.get("/v1/agent/checks").json().get("s-ttl").get("Status").asText())
        .isEqualTo("passing");
    Reply nodeCheck =
        api.put("/v1/agent/check/register", "{\"ID\": \"n\", \"Name\": \"n\", \"TTL\": \"10s\"}");
    assertThat(nodeCheck.status()).isEqualTo(400);
    assertThat(nodeCheck.body()).contains("ServiceID");
    assertThat(api.put("/v1/agent/check/deregister/s-ttl", null).status()).isEqualTo(200);
    assertThat(api.get("/v1/agent/checks").json().has("s-ttl")).isFalse();
  }

  @Test
  void wrongMethodsGet405WithAllow() {
    Reply r = api.get("/v1/agent/service/register");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).contains("PUT, POST");
    assertThat(r.json().get("Error").asText())
        .as("the whole path, not the part below the service's prefix")
        .isEqualTo("method GET is not allowed on /v1/agent/service/register; use PUT, POST");
    assertThat(api.send("DELETE", "/v1/agent/services", null).status()).isEqualTo(405);
    assertThat(api.send("POST", "/v1/agent/metrics", null).header("Allow")).contains("GET");
  }

  @Test
  void checkDefinitionsShowThresholdsSoTheyCanBeRegisteredAgain() {
    api.put(
        "/v1/agent/service/register",
        """
        {"ID": "api-1", "Name": "api", "Port": 9000,
         "Check": {"CheckID": "api-1:tcp", "TCP": "127.0.0.1:1", "Interval": "1h",
                   "SuccessBeforePassing": 2, "FailuresBeforeWarning": 1,
                   "FailuresBeforeCritical": 3}}
        """);
    JsonNode definition = api.get("/v1/agent/checks").json().get("api-1:tcp").get("Definition");
    assertThat(definition.get("SuccessBeforePassing").asInt()).isEqualTo(2);
    assertThat(definition.get("FailuresBeforeWarning").asInt()).isEqualTo(1);
    assertThat(definition.get("FailuresBeforeCritical").asInt()).isEqualTo(3);
    assertThat(definition.get("TCP").asText()).isEqualTo("127.0.0.1:1");
  }

  @Test
  void refusesCheckTimeoutsAboveFiveMinutesOnEveryPath() {
    Reply viaService =
        api.put(
            "/v1/agent/service/register",
            """
            {"ID": "slow-1", "Name": "slow", "Port": 9000,
             "Checks": [{"TCP": "127.0.0.1:9000", "Interval": "10s", "Timeout": "5m"},
                        {"HTTP": "http://127.0.0.1:9000/", "Interval": "10s", "Timeout": "24h"}]}
            """);
    assertThat(viaService.status()).isEqualTo(400);
    assertThat(problems(viaService))
        .singleElement()
        .asString()
        .startsWith("Checks[1].Timeout:")
        .contains("at most 5m");
    assertThat(api.registry().snapshot().index()).as("nothing was written").isZero();

    assertThat(api.put("/v1/agent/service/register", "{\"ID\": \"s\", \"Name\": \"s\"}").status())
        .isEqualTo(200);
    Reply viaCheck =
        api.put(
            "/v1/agent/check/register",
            """
            {"ID": "s-grpc", "Name": "grpc", "ServiceID": "s", "GRPC": "127.0.0.1:9000",
             "Interval": "10s", "Timeout": "301s"}
            """);
    assertThat(viaCheck.status()).isEqualTo(400);
    assertThat(problems(viaCheck)).singleElement().asString().startsWith("Timeout:");
    assertThat(
            api.put(
                    "/v1/agent/check/register",
                    """
                    {"ID": "s-grpc", "Name": "grpc", "ServiceID": "s", "GRPC": "127.0.0.1:9000",
                     "Interval": "10s", "Timeout": "5m"}
                    """)
                .status())
        .as("the bound itself is accepted")
        .isEqualTo(200);
  }

  private static List<String> problems(Reply reply) {
    List<String> problems = new ArrayList<>();
    reply.json().get("Problems").forEach(p -> problems.add(p.asText()));
    return problems;
  }
}
