package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.admin.AdminServer.Reply;
import io.cairn.registry.config.IntentionAction;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Config entries and intentions over HTTP: round trips, check-and-set, validation, evaluation. */
class ConfigIntentionsIT {
  private final ObjectMapper mapper = new ObjectMapper();
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
    assertThat(r.body()).isEqualTo("true");
  }

  /** PUT {@code json}, read it back, and check every field came back as written. */
  private JsonNode roundTrip(String kind, String name, String json) throws Exception {
    ok(api.put("/v1/config", json));
    Reply got = api.get("/v1/config/" + kind + "/" + name);
    assertThat(got.status()).isEqualTo(200);
    JsonNode sent = mapper.readTree(json);
    JsonNode back = got.json();
    sent.fieldNames().forEachRemaining(f -> assertThat(back.get(f)).as(f).isEqualTo(sent.get(f)));
    assertThat(back.get("CreateIndex").asLong()).isPositive();
    assertThat(back.get("ModifyIndex").asLong())
        .isGreaterThanOrEqualTo(back.get("CreateIndex").asLong());
    return back;
  }

  @Test
  void loadBalancerSettingsThatDoNotFitThePolicyAreRefused() throws Exception {
    Reply r =
        api.put(
            "/v1/config",
            """
            {"Kind":"service-resolver","Name":"api",
             "LoadBalancer":{"Policy":"least_request",
                             "RingHashConfig":{"MinimumRingSize":2048,"MaximumRingSize":1024},
                             "LeastRequestConfig":{"ChoiceCount":1},
                             "HashPolicies":[{"Field":"header","FieldValue":"x-user"}]}}
            """);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.body())
        .contains(
            "LoadBalancer.HashPolicies: HashPolicies specified for non-hash-based policy"
                + " least_request")
        .contains("LoadBalancer.RingHashConfig.MinimumRingSize")
        .contains("LoadBalancer.LeastRequestConfig.ChoiceCount");
    Reply wrongPolicy =
        api.put(
            "/v1/config",
            """
            {"Kind":"service-resolver","Name":"api",
             "LoadBalancer":{"Policy":"least_request","RingHashConfig":{"MinimumRingSize":64}}}
            """);
    assertThat(wrongPolicy.status()).as(wrongPolicy.body()).isEqualTo(400);
    // Every problem is listed, also when the only hash policy is itself invalid.
    Reply bothWrong =
        api.put(
            "/v1/config",
            """
            {"Kind":"service-resolver","Name":"api",
             "LoadBalancer":{"Policy":"round_robin","HashPolicies":[{"Field":"cookie"}]}}
            """);
    assertThat(bothWrong.body())
        .contains("LoadBalancer.HashPolicies: HashPolicies specified for non-hash-based policy")
        .contains("LoadBalancer.HashPolicies[0].FieldValue");
    assertThat(wrongPolicy.body())
        .contains(
            "LoadBalancer.RingHashConfig: needs policy ring_hash, the policy is least_request");
    assertThat(api.get("/v1/config/service-resolver/api").status()).isEqualTo(404);
  }

  /**
   * Only the default namespace and partition exist, and there is no peering: a reference to another
   * one is refused wherever it appears, never read as the local service of that name.
   */
  @Test
  void referencesToOtherNamespacesPartitionsOrPeersAreRefusedWhereverTheyAppear() throws Exception {
    record Case(String json, String path) {}
    List<Case> cases =
        List.of(
            new Case(
                """
                {"Kind":"service-intentions","Name":"db",
                 "Sources":[{"Name":"web","Action":"deny","Peer":"east"}]}""",
                "Sources[0].Peer"),
            new Case(
                """
                {"Kind":"service-intentions","Name":"db",
                 "Sources":[{"Name":"web","Action":"deny","SamenessGroup":"g"}]}""",
                "Sources[0].SamenessGroup"),
            new Case(
                """
                {"Kind":"service-intentions","Name":"db",
                 "Sources":[{"Name":"web","Action":"deny","Type":"external"}]}""",
                "Sources[0].Type: only 'consul' is supported, was 'external'"),
            new Case(
                """
                {"Kind":"service-intentions","Name":"db",
                 "Sources":[{"Name":"web","Action":"deny","Namespace":"team-a"}]}""",
                "Sources[0].Namespace: only 'default' exists in Cairn, was 'team-a'"),
            new Case(
                """
                {"Kind":"service-resolver","Name":"db",
                 "Redirect":{"Service":"db2","Partition":"p2"}}""",
                "Redirect.Partition: only 'default' exists in Cairn, was 'p2'"),
            new Case(
                """
                {"Kind":"service-resolver","Name":"db",
                 "Failover":{"*":{"Targets":[{"Service":"db2","Namespace":"ns"}]}}}""",
                "Failover.*.Targets[0].Namespace: only 'default' exists"),
            new Case(
                """
                {"Kind":"service-splitter","Name":"db",
                 "Splits":[{"Weight":100,"Service":"db2","Namespace":"ns"}]}""",
                "Splits[0].Namespace: only 'default' exists"),
            new Case(
                """
                {"Kind":"service-router","Name":"db",
                 "Routes":[{"Destination":{"Service":"db2","Partition":"p"}}]}""",
                "Routes[0].Destination.Partition: only 'default' exists"),
            new Case(
                """
                {"Kind":"service-defaults","Name":"db",
                 "UpstreamConfig":{"Overrides":[{"Name":"api","Namespace":"ns"}]}}""",
                "UpstreamConfig.Overrides[0].Namespace: only 'default' exists"));
    for (Case c : cases) {
      Reply r = api.put("/v1/config", c.json());
      assertThat(r.status()).as(c.json() + " -> " + r.body()).isEqualTo(400);
      assertThat(r.body()).as(c.json()).contains(c.path());
    }
    for (String field : List.of("SourceNS", "DestinationPartition", "SourcePeer")) {
      Reply r =
          api.put(
              "/v1/connect/intentions/exact?source=web&destination=db",
              "{\"Action\":\"deny\",\"" + field + "\":\"other\"}");
      assertThat(r.status()).as(field + " -> " + r.body()).isEqualTo(400);
      assertThat(r.body()).contains(field);
    }
    assertThat(api.get("/v1/connect/intentions/exact?source=web&destination=db").status())
        .isEqualTo(404);
    // The default namespace and partition, spelled out as Consul clients send them, are fine.
    ok(
        api.put(
            "/v1/config",
            """
            {"Kind":"service-intentions","Name":"db","Namespace":"default","Partition":"default",
             "Sources":[{"Name":"web","Action":"deny","Namespace":"default",
                         "Partition":"default","Peer":"","SamenessGroup":"",
                         "Type":"consul"}]}"""));
  }

  @Test
  void hashPoliciesAreCheckedAsConsulChecksThemAndEveryProblemIsListed() throws Exception {
    Reply r =
        api.put(
            "/v1/config",
            """
            {"Kind":"service-resolver","Name":"api",
             "LoadBalancer":{"Policy":"maglev","HashPolicies":[
               {"Field":"header","FieldValue":"x-user","SourceIP":true},
               {"Field":"header"},
               {"FieldValue":"x-user"},
               {"Field":"header","FieldValue":"x-user",
                "CookieConfig":{"Path":"/"}},
               {"Field":"cookie","FieldValue":"id",
                "CookieConfig":{"Session":true,"TTL":"10s"}},
               {"Field":"body","FieldValue":"x"},
               {"Field":"header","FieldValue":"bad header"},
               {"Field":"query_parameter","FieldValue":"user","Hash":1},
               {}]}}
            """);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.body())
        .contains(
            "LoadBalancer.HashPolicies[0].Field: a single hash policy cannot hash both a source"
                + " address and a header")
        .contains("LoadBalancer.HashPolicies[0].FieldValue: cannot be specified")
        .contains("LoadBalancer.HashPolicies[1].FieldValue: Field header was specified without")
        .contains("LoadBalancer.HashPolicies[2].Field: FieldValue requires a Field")
        .contains("LoadBalancer.HashPolicies[3].CookieConfig: CookieConfig provided for header")
        .contains(
            "LoadBalancer.HashPolicies[4].CookieConfig.TTL: a session cookie cannot have an"
                + " associated TTL")
        .contains(
            "LoadBalancer.HashPolicies[5].Field: must be header, cookie or query_parameter, was"
                + " 'body'")
        .contains("LoadBalancer.HashPolicies[6].FieldValue: 'bad header' is not a valid header")
        .contains("LoadBalancer.HashPolicies[7].Hash: is not supported by Cairn")
        .contains("LoadBalancer.HashPolicies[8].Field: is required unless SourceIP is true");
    assertThat(api.get("/v1/config/service-resolver/api").status()).isEqualTo(404);
  }

  @Test
  void prioritizeByLocalityIsAcceptedRoundTripsAndABadModeIsRefused() throws Exception {
    roundTrip(
        "service-resolver",
        "api",
        """
        {"Kind":"service-resolver","Name":"api","PrioritizeByLocality":{"Mode":"failover"}}
        """);
    // Consul's "none" (or an empty mode) is off, shown as no field.
    ok(
        api.put(
            "/v1/config",
            """
            {"Kind":"service-resolver","Name":"api","PrioritizeByLocality":{"Mode":"none"}}
            """));
    assertThat(api.get("/v1/config/service-resolver/api").json().has("PrioritizeByLocality"))
        .isFalse();
    Reply bad =
        api.put(
            "/v1/config",
            """
            {"Kind":"service-resolver","Name":"api",
             "PrioritizeByLocality":{"Mode":"nearest","Zones":["a"]}}
            """);
    assertThat(bad.status()).as(bad.body()).isEqualTo(400);
    assertThat(bad.body())
        .contains("PrioritizeByLocality.Mode: must be failover or none, was 'nearest'")
        .contains("PrioritizeByLocality.Zones: is not supported by Cairn");
    Reply withRedirect =
        api.put(
            "/v1/config",
            """
            {"Kind":"service-resolver","Name":"web","Redirect":{"Service":"api"},
             "PrioritizeByLocality":{"Mode":"failover"}}
            """);
    assertThat(withRedirect.status()).as(withRedirect.body()).isEqualTo(400);
    assertThat(withRedirect.body())
        .contains("PrioritizeByLocality: cannot be combined with redirect");
  }

  @Test
  void everyKindRoundTrips() throws Exception {
    roundTrip(
        "service-defaults",
        "api",
        "{\"Kind\":\"service-defaults\",\"Name\":\"api\",\"Protocol\":\"http\",\"Meta\":{\"team\":\"core\"}}");
    // api's failover target must speak api's protocol, as in Consul.
    ok(
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-defaults\",\"Name\":\"api-backup\",\"Protocol\":\"http\"}"));
    roundTrip(
        "service-resolver",
        "api",
        """
        {"Kind":"service-resolver","Name":"api","ConnectTimeout":"5s","DefaultSubset":"v1",
         "Subsets":{"v1":{"Filter":"Service.Meta.version == 1","OnlyPassing":false},
                    "v2":{"Filter":"Service.Meta.version == 2","OnlyPassing":true}},
         "Failover":{"*":{"Targets":[{"Service":"api-backup"}]}},
         "LoadBalancer":{"Policy":"least_request","LeastRequestConfig":{"ChoiceCount":4}}}
        """);
    roundTrip(
        "service-resolver",
        "web",
        """
        {"Kind":"service-resolver","Name":"web",
         "LoadBalancer":{"Policy":"ring_hash",
                         "RingHashConfig":{"MinimumRingSize":1024,"MaximumRingSize":4096},
                         "HashPolicies":[
                           {"Field":"header","FieldValue":"x-user","Terminal":true},
                           {"Field":"cookie","FieldValue":"sticky",
                            "CookieConfig":{"TTL":"1h0m0s","Path":"/app"}},
                           {"Field":"cookie","FieldValue":"session",
                            "CookieConfig":{"Session":true}},
                           {"Field":"query_parameter","FieldValue":"user"},
                           {"SourceIP":true}]}}
        """);
    roundTrip(
        "service-splitter",
        "api",
        "{\"Kind\":\"service-splitter\",\"Name\":\"api\",\"Splits\":[{\"Weight\":90.0,\"ServiceSubset\":\"v1\"},{\"Weight\":10.0,\"ServiceSubset\":\"v2\"}]}");
    roundTrip(
        "service-router",
        "api",
        """
        {"Kind":"service-router","Name":"api","Routes":[
          {"Match":{"HTTP":{"PathPrefix":"/beta","Header":[{"Name":"x-canary","Exact":"1"}],"Methods":["GET"]}},
           "Destination":{"ServiceSubset":"v2","PrefixRewrite":"/","RequestTimeout":"2s","NumRetries":3,
                          "RetryOnConnectFailure":true,"RetryOnStatusCodes":[503],"RetryOn":["reset"]}}]}
        """);
    roundTrip(
        "service-intentions",
        "api",
        """
        {"Kind":"service-intentions","Name":"api","Sources":[
          {"Name":"web","Action":"allow","Precedence":9,"Type":"consul"},
          {"Name":"admin","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/admin","Methods":["GET"]}}],"Precedence":9,"Type":"consul"},
          {"Name":"*","Action":"deny","Precedence":8,"Type":"consul"}]}
        """);
    assertThat(api.get("/v1/config/service-router").json().size()).isEqualTo(1);
    assertThat(api.get("/v1/config/service-router").index()).isPositive();
  }

  @Test
  void snakeCaseIsAcceptedAsConsulDoes() {
    ok(
        api.put(
            "/v1/config", "{\"kind\":\"service-defaults\",\"name\":\"a\",\"protocol\":\"http\"}"));
    ok(
        api.put(
            "/v1/config",
            "{\"kind\":\"service-resolver\",\"name\":\"a\",\"default_subset\":\"v1\",\"subsets\":{\"v1\":{\"filter\":\"\"}}}"));
    assertThat(api.get("/v1/config/service-resolver/a").json().get("DefaultSubset").asText())
        .isEqualTo("v1");
  }

  @Test
  void checkAndSet() {
    String body = "{\"Kind\":\"service-defaults\",\"Name\":\"c\",\"Protocol\":\"tcp\"}";
    ok(api.put("/v1/config?cas=0", body));
    assertThat(api.put("/v1/config?cas=0", body).body()).isEqualTo("false");
    long modify = api.get("/v1/config/service-defaults/c").json().get("ModifyIndex").asLong();
    assertThat(api.put("/v1/config?cas=" + (modify + 5), body.replace("tcp", "http")).body())
        .isEqualTo("false");
    ok(api.put("/v1/config?cas=" + modify, body.replace("tcp", "http")));
    assertThat(api.delete("/v1/config/service-defaults/c?cas=" + modify).body()).isEqualTo("false");
    ok(api.delete("/v1/config/service-defaults/c"));
    assertThat(api.get("/v1/config/service-defaults/c").status()).isEqualTo(404);
  }

  @Test
  void aGrpcRouterMatchingMethodsOtherThanPostOrQueryParamsIsRefused() {
    ok(
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-defaults\",\"Name\":\"api\",\"Protocol\":\"grpc\"}"));
    Reply r =
        api.put(
            "/v1/config",
            """
            {"Kind":"service-router","Name":"api","Routes":[
              {"Match":{"HTTP":{"PathPrefix":"/demo.Who/","Methods":["GET"],
                "QueryParam":[{"Name":"debug","Present":true}]}}}]}
            """);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("Problems").toString())
        .contains("routes[0].match.http.methods", "Methods [GET] never match")
        .contains("routes[0].match.http.queryParam", "no query string");
    assertThat(api.get("/v1/config/service-router/api").status()).isEqualTo(404);

    ok(
        api.put(
            "/v1/config",
            """
            {"Kind":"service-router","Name":"api","Routes":[
              {"Match":{"HTTP":{"PathPrefix":"/demo.Who/","Methods":["POST"]}}}]}
            """));
  }

  @Test
  void validationListsEveryProblem() {
    Reply r =
        api.put(
            "/v1/config",
            """
            {"Kind":"service-splitter","Name":"web","Splits":[
              {"Weight":60,"ServiceSubset":"v1"},{"Weight":30.5,"ServiceSubset":"v2","RequestHeaders":{"Set":{"x":"1"}}}]}
            """);
    assertThat(r.status()).isEqualTo(400);
    String problems = r.json().get("Problems").toString();
    assertThat(problems)
        .contains("add up to 100")
        .contains("Splits[1].RequestHeaders")
        .contains("not supported");

    Reply crossEntry =
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-splitter\",\"Name\":\"web\",\"Splits\":[{\"Weight\":100,\"ServiceSubset\":\"v9\"}]}");
    assertThat(crossEntry.status()).isEqualTo(400);
    assertThat(crossEntry.json().get("Problems").toString())
        .contains("needs protocol http")
        .contains("subset 'v9' is not defined");

    assertThat(api.get("/v1/config/mesh").status()).isEqualTo(400);
    assertThat(api.get("/v1/config/service-defaults/none").status()).isEqualTo(404);
    // Zero values of unsupported fields are fine: clients send every field.
    ok(
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-defaults\",\"Name\":\"z\",\"Protocol\":\"tcp\",\"MeshGateway\":{},\"Expose\":{\"Paths\":[]},\"MaxInboundConnections\":0}"));
  }

  @Test
  void intentionsExactListCheckAndMatch() {
    ok(
        api.put(
            "/v1/connect/intentions/exact?source=web&destination=db",
            "{\"SourceType\":\"consul\",\"Action\":\"allow\",\"Description\":\"web reads\"}"));
    ok(api.put("/v1/connect/intentions/exact?source=*&destination=db", "{\"Action\":\"deny\"}"));
    ok(api.put("/v1/connect/intentions/exact?source=batch&destination=*", "{\"Action\":\"deny\"}"));

    JsonNode one = api.get("/v1/connect/intentions/exact?source=web&destination=db").json();
    assertThat(one.get("SourceName").asText()).isEqualTo("web");
    assertThat(one.get("DestinationName").asText()).isEqualTo("db");
    assertThat(one.get("Action").asText()).isEqualTo("allow");
    assertThat(one.get("Precedence").asInt()).isEqualTo(9);
    assertThat(one.get("Description").asText()).isEqualTo("web reads");

    JsonNode all = api.get("/v1/connect/intentions").json();
    assertThat(all)
        .extracting(i -> i.get("SourceName").asText() + ">" + i.get("DestinationName").asText())
        .containsExactly("web>db", "*>db", "batch>*");

    assertThat(allowed("web", "db")).isTrue();
    assertThat(allowed("other", "db")).isFalse();
    assertThat(allowed("batch", "web")).isFalse();
    assertThat(allowed("other", "web")).as("default policy allow").isTrue();

    JsonNode byDestination = api.get("/v1/connect/intentions/match?by=destination&name=db").json();
    assertThat(byDestination.get("db"))
        .extracting(i -> i.get("SourceName").asText())
        .containsExactly("web", "*", "batch");

    ok(api.delete("/v1/connect/intentions/exact?source=web&destination=db"));
    assertThat(allowed("web", "db")).isFalse();
    assertThat(api.get("/v1/connect/intentions/exact?source=web&destination=db").status())
        .isEqualTo(404);
    assertThat(api.get("/v1/config/service-intentions/db").json().get("Sources").size())
        .isEqualTo(1);
    assertThat(api.get("/v1/connect/intentions/check?source=web").status()).isEqualTo(400);
  }

  @Test
  void l7IntentionsCountAsDenyForChecksAndNeedHttp() {
    String l7 = "{\"Permissions\":[{\"Action\":\"allow\",\"HTTP\":{\"PathPrefix\":\"/v1\"}}]}";
    Reply tcp = api.put("/v1/connect/intentions/exact?source=web&destination=api", l7);
    assertThat(tcp.status()).isEqualTo(400);
    assertThat(tcp.body()).contains("needs protocol http");
    ok(
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-defaults\",\"Name\":\"api\",\"Protocol\":\"http\"}"));
    ok(api.put("/v1/connect/intentions/exact?source=web&destination=api", l7));
    assertThat(allowed("web", "api")).isFalse();
  }

  @Test
  void defaultPolicyDenyIsConfigurable() {
    try (AdminServer deny = AdminServer.start(Optional.empty(), IntentionAction.DENY)) {
      assertThat(
              deny.get("/v1/connect/intentions/check?source=a&destination=b")
                  .json()
                  .get("Allowed")
                  .asBoolean())
          .isFalse();
    }
  }

  private boolean allowed(String source, String destination) {
    Reply r =
        api.get("/v1/connect/intentions/check?source=" + source + "&destination=" + destination);
    assertThat(r.status()).isEqualTo(200);
    return r.json().get("Allowed").asBoolean();
  }

  @Test
  void upstreamConfigAndProxyDefaultsRoundTrip() throws Exception {
    roundTrip(
        "service-defaults",
        "web",
        """
        {"Kind":"service-defaults","Name":"web","Protocol":"grpc","UpstreamConfig":{
          "Defaults":{"ConnectTimeoutMs":1500,
            "Limits":{"MaxConnections":100,"MaxPendingRequests":10,"MaxConcurrentRequests":5},
            "PassiveHealthCheck":{"Interval":"10s","MaxFailures":3,"EnforcingConsecutive5xx":90,
                                  "MaxEjectionPercent":50,"BaseEjectionTime":"30s"}},
          "Overrides":[{"Name":"api","Limits":{"MaxConcurrentRequests":1}},
                       {"Name":"db","ConnectTimeoutMs":250}]}}
        """);
    JsonNode global =
        roundTrip(
            "proxy-defaults",
            "global",
            "{\"Kind\":\"proxy-defaults\",\"Name\":\"global\",\"Config\":{\"protocol\":\"http\"}}");
    assertThat(global.get("Config").get("protocol").asText()).isEqualTo("http");
    // The mesh-wide protocol lets a router be written for a service without service-defaults.
    ok(
        api.put(
            "/v1/config",
            "{\"Kind\":\"service-router\",\"Name\":\"nodefaults\",\"Routes\":[{\"Match\":{\"HTTP\":{\"PathPrefix\":\"/a\"}},\"Destination\":{\"Service\":\"other\"}}]}"));
    assertThat(api.get("/v1/config/proxy-defaults").json().get(0).get("Name").asText())
        .isEqualTo("global");
    // Check-and-set and delete work on the new kind as on the others.
    long modify = global.get("ModifyIndex").asLong();
    String tcp =
        "{\"Kind\":\"proxy-defaults\",\"Name\":\"global\",\"Config\":{\"protocol\":\"tcp\"}}";
    assertThat(api.put("/v1/config?cas=" + (modify + 1000), tcp).body()).isEqualTo("false");
    // tcp would leave the router on a non-HTTP service: refused, as Consul does.
    assertThat(api.put("/v1/config", tcp).status()).isEqualTo(400);
    ok(api.delete("/v1/config/service-router/nodefaults"));
    ok(api.put("/v1/config?cas=" + modify, tcp));
    ok(api.delete("/v1/config/proxy-defaults/global"));
    assertThat(api.get("/v1/config/proxy-defaults/global").status()).isEqualTo(404);
    // Without a name it is global, as in Consul.
    ok(api.put("/v1/config", "{\"Kind\":\"proxy-defaults\",\"Config\":{\"protocol\":\"grpc\"}}"));
    assertThat(
            api.get("/v1/config/proxy-defaults/global")
                .json()
                .get("Config")
                .get("protocol")
                .asText())
        .isEqualTo("grpc");
  }

  @Test
  void upstreamConfigAndProxyDefaultsRefuseWhatCairnDoesNotDo() {
    Reply r =
        api.put(
            "/v1/config",
            """
            {"Kind":"service-defaults","Name":"web","UpstreamConfig":{
              "Defaults":{"ConnectTimeoutMs":-1,"MeshGateway":{"Mode":"local"},"Protocol":"http",
                "BalanceOutboundConnections":"exact_balance","EnvoyClusterJSON":"{}",
                "Limits":{"MaxConnections":-2},
                "PassiveHealthCheck":{"Interval":"soon","EnforcingConsecutive5xx":101,
                                      "MaxEjectionPercent":200,"BaseEjectionTime":"-1s"}},
              "Overrides":[{"Limits":{}},{"Name":"api","Peer":"east"},{"Name":"api"}]}}
            """);
    assertThat(r.status()).isEqualTo(400);
    String problems = r.json().get("Problems").toString();
    assertThat(problems)
        .contains("UpstreamConfig.Defaults.ConnectTimeoutMs")
        .contains("UpstreamConfig.Defaults.MeshGateway")
        .contains("UpstreamConfig.Defaults.Protocol")
        .contains("UpstreamConfig.Defaults.BalanceOutboundConnections")
        .contains("UpstreamConfig.Defaults.EnvoyClusterJSON")
        .contains("UpstreamConfig.Defaults.Limits.MaxConnections")
        .contains("UpstreamConfig.Defaults.PassiveHealthCheck.Interval")
        .contains("UpstreamConfig.Defaults.PassiveHealthCheck.EnforcingConsecutive5xx")
        .contains("UpstreamConfig.Defaults.PassiveHealthCheck.MaxEjectionPercent")
        .contains("UpstreamConfig.Defaults.PassiveHealthCheck.BaseEjectionTime")
        .contains("UpstreamConfig.Overrides[0].Name")
        .contains("UpstreamConfig.Overrides[1].Peer")
        .contains("overridden twice");

    Reply proxy =
        api.put(
            "/v1/config",
            """
            {"Kind":"proxy-defaults","Name":"other","Mode":"transparent",
             "TransparentProxy":{"OutboundListenerPort":15001},"MeshGateway":{"Mode":"local"},
             "Expose":{"Checks":true},"AccessLogs":{"Enabled":true},
             "Config":{"protocol":"smtp","connect_timeout_ms":1000}}
            """);
    assertThat(proxy.status()).isEqualTo(400);
    assertThat(proxy.json().get("Problems").toString())
        .contains("Name: must be 'global'")
        .contains("\"Mode: is not supported")
        .contains("TransparentProxy")
        .contains("MeshGateway")
        .contains("Expose")
        .contains("AccessLogs")
        .contains("Config.protocol")
        .contains("Config.connect_timeout_ms");
  }

  @Test
  void proxyDefaultsNeedMeshWriteAndAreReadableByAnyone() throws Exception {
    try (AdminServer acl = AdminServer.start(Optional.of("s3cret"), IntentionAction.ALLOW)) {
      String serviceGlobal =
          token(acl, "svc-global", "service \\\"global\\\" { policy = \\\"write\\\" }");
      String mesh = token(acl, "mesh-write", "mesh = \\\"write\\\"");
      String body =
          "{\"Kind\":\"proxy-defaults\",\"Name\":\"global\",\"Config\":{\"protocol\":\"http\"}}";
      // service:write on a service named "global" is not enough: proxy-defaults is mesh-wide.
      assertThat(acl.send("PUT", "/v1/config", body, "X-Consul-Token", serviceGlobal).status())
          .isEqualTo(403);
      assertThat(acl.send("PUT", "/v1/config", body, "X-Consul-Token", mesh).status())
          .isEqualTo(200);
      assertThat(acl.get("/v1/config/proxy-defaults/global").status()).isEqualTo(200);
      assertThat(acl.get("/v1/config/proxy-defaults").json().size()).isEqualTo(1);
      assertThat(
              acl.send(
                      "DELETE",
                      "/v1/config/proxy-defaults/global",
                      "",
                      "X-Consul-Token",
                      serviceGlobal)
                  .status())
          .isEqualTo(403);
    }
  }

  /** A token whose one policy has {@code rules}, made with the management token. */
  private static String token(AdminServer acl, String name, String rules) {
    return acl.aclToken("s3cret", name, rules);
  }
}
