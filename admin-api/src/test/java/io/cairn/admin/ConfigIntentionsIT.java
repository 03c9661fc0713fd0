package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.admin.AdminServer.Reply;
import io.cairn.registry.config.IntentionAction;
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
  void everyKindRoundTrips() throws Exception {
    roundTrip(
        "service-defaults",
        "api",
        "{\"Kind\":\"service-defaults\",\"Name\":\"api\",\"Protocol\":\"http\",\"Meta\":{\"team\":\"core\"}}");
    roundTrip(
        "service-resolver",
        "api",
        """
        {"Kind":"service-resolver","Name":"api","ConnectTimeout":"5s","DefaultSubset":"v1",
         "Subsets":{"v1":{"Filter":"Service.Meta.version == 1","OnlyPassing":false},
                    "v2":{"Filter":"Service.Meta.version == 2","OnlyPassing":true}},
         "Failover":{"*":{"Targets":[{"Service":"api-backup"}]}},
         "LoadBalancer":{"Policy":"least_request"}}
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

    assertThat(
            api.put("/v1/config", "{\"Kind\":\"proxy-defaults\",\"Name\":\"global\"}")
                .json()
                .get("Problems")
                .toString())
        .contains("not supported");
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
}
