package io.cairn.registry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.registry.validation.Problem;
import io.cairn.registry.validation.ValidationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceInstanceTest {

  @Test
  void reportsEveryProblemAtOnce() {
    Map<String, String> meta = new HashMap<>();
    meta.put("bad key", "v");
    meta.put("consul-x", "v");

    assertThatThrownBy(
            () ->
                ServiceInstance.builder("has space", "not_a_label")
                    .address("999.1.1.1")
                    .port(70000)
                    .tags("ok", "")
                    .meta(meta)
                    .build())
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::field)
                    .containsExactlyInAnyOrder(
                        "id",
                        "name",
                        "tags[1]",
                        "address",
                        "port",
                        "meta.bad key",
                        "meta.consul-x"));
  }

  @Test
  void acceptsIpv4Ipv6AndHostnames() {
    for (String address :
        List.of("10.1.2.3", "::1", "2001:db8::7", "db.internal", "node-1.example.com.")) {
      assertThat(ServiceInstance.builder("i", "svc").address(address).port(1).build().address())
          .isEqualTo(address);
    }
    for (String address : List.of("1.2.3", "-bad.example", "a..b", "10.0.0.256", "fe80::zz")) {
      assertThatThrownBy(() -> ServiceInstance.builder("i", "svc").address(address).port(1).build())
          .as(address)
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("address");
    }
  }

  @Test
  void copiesCollectionsSoCallersCannotChangeIt() {
    List<String> tags = new java.util.ArrayList<>(List.of("a"));
    ServiceInstance i =
        ServiceInstance.builder("i", "svc").address("10.0.0.1").port(80).tags(tags).build();
    tags.add("b");
    assertThat(i.tags()).containsExactly("a");
    assertThatThrownBy(() -> i.tags().add("c")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void weightsFollowConsulsRules() {
    assertThatThrownBy(() -> new Weights(0, 1)).hasMessageContaining("passing");
    assertThatThrownBy(() -> new Weights(1, -1)).hasMessageContaining("warning");
    assertThatThrownBy(() -> new Weights(70000, 1)).hasMessageContaining("65535");
    Weights w = new Weights(10, 0);
    assertThat(w.forStatus(HealthStatus.PASSING)).isEqualTo(10);
    assertThat(w.forStatus(HealthStatus.WARNING)).isZero();
    assertThat(w.forStatus(HealthStatus.CRITICAL)).isZero();
  }

  @Test
  void connectProxyChecksItsUpstreams() {
    assertThatThrownBy(
            () ->
                new ConnectProxy(
                    "web",
                    Optional.empty(),
                    "127.0.0.1",
                    8080,
                    List.of(new Upstream("db", 9191), new Upstream("cache", 9191))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("upstreams[1].localBindPort");
    var proxy =
        new ConnectProxy(
            "web", Optional.of("web-1"), "127.0.0.1", 8080, List.of(new Upstream("db", 9191)));
    ServiceInstance sidecar =
        ServiceInstance.builder("web-1-sidecar", "web-sidecar-proxy")
            .address("10.0.0.1")
            .port(21000)
            .kind(proxy)
            .build();
    assertThat(sidecar.proxy()).contains(proxy);
  }

  @Test
  void checksValidateTheirDefinitionAndCapOutput() {
    assertThatThrownBy(
            () ->
                new HttpCheck(
                    java.net.URI.create("ftp://x"),
                    "get",
                    Map.of(),
                    "",
                    false,
                    java.time.Duration.ofMillis(10),
                    java.time.Duration.ZERO))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::field)
                    .containsExactlyInAnyOrder("url", "method", "interval", "timeout"));
    HealthCheck c =
        HealthCheck.of(
                "c", "c", "i", new TtlCheck(java.time.Duration.ofSeconds(1)), HealthStatus.PASSING)
            .withStatus(HealthStatus.WARNING, "x".repeat(10_000));
    assertThat(c.output()).hasSize(HealthCheck.MAX_OUTPUT);
    assertThatThrownBy(
            () ->
                HealthCheck.of(
                    "c",
                    "c",
                    "i",
                    new TtlCheck(java.time.Duration.ofSeconds(1)),
                    HealthStatus.MAINTENANCE))
        .hasMessageContaining("status");
  }

  @Test
  void probeTimeoutsAreBoundedForEveryKind() {
    java.time.Duration interval = java.time.Duration.ofSeconds(10);
    java.time.Duration tooLong = ProbeCheck.MAX_TIMEOUT.plusMillis(1);
    List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> builds =
        List.of(
            () -> HttpCheck.get(java.net.URI.create("http://x/"), interval),
            () -> new TcpCheck("x", 1, interval, ProbeCheck.MAX_TIMEOUT),
            () -> new GrpcCheck("x", 1, "", false, false, interval, ProbeCheck.MAX_TIMEOUT));
    for (var build : builds) {
      assertThatCode(build).doesNotThrowAnyException();
    }
    List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> refused =
        List.of(
            () ->
                new HttpCheck(
                    java.net.URI.create("http://x/"),
                    "GET",
                    Map.of(),
                    "",
                    false,
                    interval,
                    tooLong),
            () -> new TcpCheck("x", 1, interval, tooLong),
            () -> new GrpcCheck("x", 1, "", false, false, interval, tooLong));
    for (var build : refused) {
      assertThatThrownBy(build)
          .isInstanceOfSatisfying(
              ValidationException.class,
              e ->
                  assertThat(e.problems())
                      .singleElement()
                      .satisfies(
                          problem -> {
                            assertThat(problem.field()).isEqualTo("timeout");
                            assertThat(problem.message()).contains("at most 5m");
                          }));
    }
  }
}
