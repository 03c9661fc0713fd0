package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.admin.AdminServer.Reply;
import io.cairn.registry.config.IntentionAction;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Status, health, metrics, limits and ACLs. */
class OperationalIT {
  @Test
  void statusHealthAndMetrics() {
    try (AdminServer api = AdminServer.start()) {
      assertThat(api.get("/v1/status/leader").body()).isEqualTo("\"127.0.0.1:8300\"");
      assertThat(api.get("/v1/status/peers").json().get(0).asText()).isEqualTo("127.0.0.1:8300");
      Reply health = api.get("/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().get("Status").asText()).isEqualTo("UP");
      assertThat(api.get("/health/live").status()).isEqualTo(200);
      Reply metrics = api.get("/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.header("Content-Type").orElse("")).startsWith("text/plain");
      assertThat(metrics.body()).contains("cairn_test 1");
      assertThat(api.get("/v1/agent/metrics?format=prometheus").body()).contains("cairn_test 1");
      assertThat(api.get("/v1/agent/self").json().get("Config").get("Datacenter").asText())
          .isEqualTo("dc1");
      Reply unknown = api.get("/v1/kv/whatever");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.json().get("Error").asText()).contains("no such endpoint");
    }
  }

  @Test
  void oversizedBodiesGet413() {
    try (AdminServer api = AdminServer.start()) {
      String huge = "{\"Name\": \"x\", \"Meta\": {\"k\": \"" + "a".repeat(200_000) + "\"}}";
      assertThat(api.put("/v1/agent/service/register", huge).status()).isEqualTo(413);
      assertThat(api.registry().snapshot().index()).isZero();
      assertThat(api.get("/v1/status/leader").status()).as("still serving").isEqualTo(200);
    }
  }

  @Test
  void writesNeedTheTokenWhenAclsAreOn() {
    try (AdminServer api = AdminServer.start(Optional.of("s3cret"), IntentionAction.ALLOW)) {
      String body = "{\"Name\": \"web\", \"Port\": 80}";
      Reply denied = api.put("/v1/agent/service/register", body);
      assertThat(denied.status()).isEqualTo(403);
      assertThat(denied.json().get("Error").asText()).contains("Permission denied");
      assertThat(
              api.send("PUT", "/v1/agent/service/register", body, "X-Consul-Token", "wrong")
                  .status())
          .isEqualTo(403);
      assertThat(
              api.send("PUT", "/v1/agent/service/register", body, "X-Consul-Token", "s3cret")
                  .status())
          .isEqualTo(200);
      assertThat(
              api.send("PUT", "/v1/agent/service/register", body, "Authorization", "Bearer s3cret")
                  .status())
          .isEqualTo(200);
      assertThat(api.put("/v1/agent/service/register?token=s3cret", body).status()).isEqualTo(200);
      assertThat(api.get("/v1/catalog/services").status()).as("reads stay open").isEqualTo(200);
    }
  }
}
