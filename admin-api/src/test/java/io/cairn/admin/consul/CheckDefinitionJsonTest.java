package io.cairn.admin.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.admin.http.Json;
import io.cairn.registry.model.CheckDefinition;
import io.cairn.registry.model.CheckThresholds;
import io.cairn.registry.model.GrpcCheck;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.HttpCheck;
import io.cairn.registry.model.TcpCheck;
import io.cairn.registry.model.TtlCheck;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A check's {@code Definition} as clients read it: every field, in Consul's order, per type. */
class CheckDefinitionJsonTest {
  private static final Duration TEN_S = Duration.ofSeconds(10);
  private static final Duration TWO_S = Duration.ofSeconds(2);
  private static final NodeIdentity NODE =
      new NodeIdentity(
          "cairn-test", "127.0.0.1", "dc1", java.util.Map.of("consul-network-segment", ""));

  @Test
  void anHttpCheckShowsItsRequest() {
    HttpCheck http =
        new HttpCheck(
            URI.create("https://10.0.0.1:8080/health"),
            "POST",
            Map.of("X-Probe", List.of("1")),
            "{}",
            true,
            TEN_S,
            TWO_S);
    assertThat(json(check(http, Optional.of(Duration.ofMinutes(30)), new CheckThresholds(2, 1, 3))))
        .isEqualTo(
            "{\"Interval\":\"10s\",\"Timeout\":\"2s\",\"DeregisterCriticalServiceAfter\":\"30m0s\","
                + "\"HTTP\":\"https://10.0.0.1:8080/health\",\"Header\":{\"X-Probe\":[\"1\"]},"
                + "\"Method\":\"POST\",\"Body\":\"{}\",\"TLSSkipVerify\":true,\"TCP\":\"\","
                + "\"GRPC\":\"\",\"GRPCUseTLS\":false,\"TTL\":\"\",\"SuccessBeforePassing\":2,"
                + "\"FailuresBeforeWarning\":1,\"FailuresBeforeCritical\":3}");
  }

  @Test
  void aTcpCheckShowsItsAddressBracketedWhenIpv6() {
    assertThat(json(check(new TcpCheck("::1", 5432, TEN_S, TWO_S), Optional.empty(), none())))
        .isEqualTo(
            "{\"Interval\":\"10s\",\"Timeout\":\"2s\",\"DeregisterCriticalServiceAfter\":\"\","
                + "\"HTTP\":\"\",\"Header\":{},\"Method\":\"\",\"Body\":\"\","
                + "\"TLSSkipVerify\":false,\"TCP\":\"[::1]:5432\",\"GRPC\":\"\","
                + "\"GRPCUseTLS\":false,\"TTL\":\"\",\"SuccessBeforePassing\":0,"
                + "\"FailuresBeforeWarning\":0,\"FailuresBeforeCritical\":0}");
  }

  @Test
  void aGrpcCheckShowsItsTargetAndTls() {
    GrpcCheck grpc = new GrpcCheck("10.0.0.2", 9090, "pay.Health", true, true, TEN_S, TWO_S);
    GrpcCheck whole = new GrpcCheck("10.0.0.2", 9090, "", false, false, TEN_S, TWO_S);
    assertThat(json(check(grpc, Optional.empty(), none())))
        .isEqualTo(
            "{\"Interval\":\"10s\",\"Timeout\":\"2s\",\"DeregisterCriticalServiceAfter\":\"\","
                + "\"HTTP\":\"\",\"Header\":{},\"Method\":\"\",\"Body\":\"\","
                + "\"TLSSkipVerify\":true,\"TCP\":\"\",\"GRPC\":\"10.0.0.2:9090/pay.Health\","
                + "\"GRPCUseTLS\":true,\"TTL\":\"\",\"SuccessBeforePassing\":0,"
                + "\"FailuresBeforeWarning\":0,\"FailuresBeforeCritical\":0}");
    assertThat(json(check(whole, Optional.empty(), none())))
        .contains("\"GRPC\":\"10.0.0.2:9090\",\"GRPCUseTLS\":false");
  }

  @Test
  void aTtlCheckShowsOnlyItsTtl() {
    assertThat(
            json(
                check(
                    new TtlCheck(Duration.ofSeconds(90)),
                    Optional.of(Duration.ofHours(1)),
                    new CheckThresholds(0, 0, 2))))
        .isEqualTo(
            "{\"Interval\":\"\",\"Timeout\":\"\",\"DeregisterCriticalServiceAfter\":\"1h0m0s\","
                + "\"HTTP\":\"\",\"Header\":{},\"Method\":\"\",\"Body\":\"\","
                + "\"TLSSkipVerify\":false,\"TCP\":\"\",\"GRPC\":\"\",\"GRPCUseTLS\":false,"
                + "\"TTL\":\"1m30s\",\"SuccessBeforePassing\":0,\"FailuresBeforeWarning\":0,"
                + "\"FailuresBeforeCritical\":2}");
  }

  @Test
  void theNodeCheckHasAnEmptyDefinition() {
    assertThat(
            new String(
                Json.bytes(new ConsulViews(NODE).nodeCheck().definition()), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"Interval\":\"\",\"Timeout\":\"\",\"DeregisterCriticalServiceAfter\":\"\","
                + "\"HTTP\":\"\",\"Header\":{},\"Method\":\"\",\"Body\":\"\","
                + "\"TLSSkipVerify\":false,\"TCP\":\"\",\"GRPC\":\"\",\"GRPCUseTLS\":false,"
                + "\"TTL\":\"\",\"SuccessBeforePassing\":0,\"FailuresBeforeWarning\":0,"
                + "\"FailuresBeforeCritical\":0}");
  }

  private static CheckThresholds none() {
    return CheckThresholds.IMMEDIATE;
  }

  private static HealthCheck check(
      CheckDefinition definition, Optional<Duration> deregister, CheckThresholds thresholds) {
    return new HealthCheck(
        "web-1:probe",
        "probe",
        "web-1",
        definition,
        HealthStatus.PASSING,
        "",
        "",
        thresholds,
        deregister);
  }

  private static String json(HealthCheck check) {
    return new String(Json.bytes(ConsulViews.definition(check)), StandardCharsets.UTF_8);
  }
}
