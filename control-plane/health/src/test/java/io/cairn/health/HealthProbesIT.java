package io.cairn.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.Registry;
import io.cairn.registry.command.RegisterCheck;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.CheckDefinition;
import io.cairn.registry.model.GrpcCheck;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.HttpCheck;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.TcpCheck;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real probes against real local HTTP, HTTPS, TCP and gRPC servers that the test starts, stops and
 * restarts, through the durable registry: every transition is a committed write.
 */
class HealthProbesIT {
  private static final Duration INTERVAL = Duration.ofMillis(200);
  // Generous for loopback, so a loaded CI machine does not turn a slow answer into a timeout.
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @TempDir Path dir;
  private Registry registry;
  private SimpleMeterRegistry meters;
  private HealthChecker checker;

  @BeforeEach
  void start() {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    meters = new SimpleMeterRegistry();
    checker = HealthChecker.start(registry, new NetworkProber(), meters, HealthSettings.DEFAULTS);
  }

  @AfterEach
  void stop() {
    checker.close();
    registry.close();
  }

  private void register(String id, CheckDefinition definition) {
    register(id, definition, HealthStatus.CRITICAL);
  }

  private void register(String id, CheckDefinition definition, HealthStatus initial) {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(id, "svc").address("127.0.0.1").port(1).build()));
    registry.apply(new RegisterCheck(HealthCheck.of(id + "-check", id, id, definition, initial)));
  }

  private HealthCheck check(String id) {
    return registry.snapshot().check(id + "-check").orElseThrow().value();
  }

  private void awaitStatus(String id, HealthStatus status) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(check(id).status()).isEqualTo(status));
  }

  private static HttpCheck http(int port, String scheme, boolean skipVerify) {
    return new HttpCheck(
        URI.create(scheme + "://127.0.0.1:" + port + "/healthz"),
        "POST",
        Map.of("X-Probe", List.of("cairn")),
        "ping",
        skipVerify,
        INTERVAL,
        TIMEOUT);
  }

  @Test
  void httpCheckFollowsTheServerThroughEveryStatus() throws Exception {
    try (ProbeTargets.Http server = new ProbeTargets.Http(false)) {
      register("h", http(server.port(), "http", false));
      awaitStatus("h", HealthStatus.PASSING);
      assertThat(server.lastRequest.get())
          .isEqualTo("POST /healthz x-probe=cairn agent=Cairn Health Check body=ping");
      assertThat(check("h").output())
          .isEqualTo(
              "HTTP POST http://127.0.0.1:" + server.port() + "/healthz: 200 Output: status 200");

      server.status.set(429);
      awaitStatus("h", HealthStatus.WARNING);
      server.status.set(503);
      awaitStatus("h", HealthStatus.CRITICAL);
      assertThat(check("h").output()).contains(": 503 Output: status 503");
      server.status.set(204);
      awaitStatus("h", HealthStatus.PASSING);

      server.stop();
      awaitStatus("h", HealthStatus.CRITICAL);
      server.restart();
      awaitStatus("h", HealthStatus.PASSING);

      server.delayMillis.set((int) TIMEOUT.toMillis() * 2);
      awaitStatus("h", HealthStatus.CRITICAL);
      assertThat(check("h").output()).contains("timed out after 2000ms");
      server.delayMillis.set(0);
    }
    assertThat(meters.find("cairn.health.transitions").counters()).isNotEmpty();
  }

  @Test
  void httpsCheckTrustsSelfSignedCertificatesOnlyWhenToldTo() throws Exception {
    try (ProbeTargets.Http server = new ProbeTargets.Http(true)) {
      register("strict", http(server.port(), "https", false));
      register("lax", http(server.port(), "https", true));
      awaitStatus("lax", HealthStatus.PASSING);
      await().atMost(Duration.ofSeconds(10)).until(() -> !check("strict").output().isEmpty());
      assertThat(check("strict").status()).isEqualTo(HealthStatus.CRITICAL);
      assertThat(check("strict").output()).startsWith("HTTP POST https://");
    }
  }

  @Test
  void tcpCheckFollowsTheListener() throws Exception {
    try (ProbeTargets.Tcp server = new ProbeTargets.Tcp()) {
      register("t", new TcpCheck("127.0.0.1", server.port(), INTERVAL, TIMEOUT));
      awaitStatus("t", HealthStatus.PASSING);
      assertThat(check("t").output())
          .isEqualTo("TCP connect 127.0.0.1:" + server.port() + ": Success");
      server.stop();
      awaitStatus("t", HealthStatus.CRITICAL);
      assertThat(check("t").output()).endsWith("connection refused");
      server.restart();
      awaitStatus("t", HealthStatus.PASSING);
    }
  }

  @Test
  void grpcCheckFollowsTheHealthServiceAndTheServer() throws Exception {
    try (ProbeTargets.GrpcHealth server = new ProbeTargets.GrpcHealth()) {
      server.health.setStatus("", ServingStatus.SERVING);
      server.health.setStatus("orders", ServingStatus.NOT_SERVING);
      register("g", new GrpcCheck("127.0.0.1", server.port(), "", false, false, INTERVAL, TIMEOUT));
      register(
          "orders",
          new GrpcCheck("127.0.0.1", server.port(), "orders", false, false, INTERVAL, TIMEOUT));
      awaitStatus("g", HealthStatus.PASSING);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> check("orders").output().contains("NOT_SERVING"));
      assertThat(check("orders").status()).isEqualTo(HealthStatus.CRITICAL);

      server.health.setStatus("orders", ServingStatus.SERVING);
      awaitStatus("orders", HealthStatus.PASSING);
      server.health.setStatus("", ServingStatus.NOT_SERVING);
      awaitStatus("g", HealthStatus.CRITICAL);
      server.health.setStatus("", ServingStatus.SERVING);
      awaitStatus("g", HealthStatus.PASSING);

      server.stop();
      awaitStatus("g", HealthStatus.CRITICAL);
      assertThat(check("g").output()).contains("UNAVAILABLE");
      server.restart();
      server.health.setStatus("", ServingStatus.SERVING);
      // Back within a few intervals, not after the channel's reconnect backoff.
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(check("g").status()).isEqualTo(HealthStatus.PASSING));
    }
  }

  /**
   * Registers {@code definition} as passing and waits, at most its timeout and 5 s, for it to turn
   * critical with a timeout as the reason: a probe stuck on a target must not keep it passing.
   */
  private void assertCriticalWithinTimeout(String id, CheckDefinition definition) {
    register(id, definition, HealthStatus.PASSING);
    long started = System.nanoTime();
    await()
        .atMost(TIMEOUT.plusSeconds(5))
        .untilAsserted(() -> assertThat(check(id).status()).isEqualTo(HealthStatus.CRITICAL));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.plusSeconds(5));
    assertThat(check(id).output()).contains("timed out after " + TIMEOUT.toMillis() + "ms");
  }

  /** Deregisters {@code id}; the probe in flight must then let go of its connection. */
  private void assertConnectionsReleased(String id, ProbeTargets.Raw target) {
    registry.apply(new io.cairn.registry.command.DeregisterInstance(id));
    await()
        .atMost(TIMEOUT.plusSeconds(5))
        .untilAsserted(() -> assertThat(target.open.get()).isZero());
    assertThat(target.maxOpen.get()).as("one probe in flight at a time").isLessThanOrEqualTo(2);
  }

  @Test
  void httpCheckWhoseBodyStallsTurnsCriticalWithinItsTimeout() throws Exception {
    try (ProbeTargets.Raw target = new ProbeTargets.Raw(ProbeTargets.Raw.Mode.STALL_BODY)) {
      assertCriticalWithinTimeout("stall", http(target.port(), "http", false));
      assertConnectionsReleased("stall", target);
    }
  }

  @Test
  void httpCheckWhoseBodyTricklesTurnsCriticalWithinItsTimeout() throws Exception {
    try (ProbeTargets.Raw target = new ProbeTargets.Raw(ProbeTargets.Raw.Mode.TRICKLE_BODY)) {
      assertCriticalWithinTimeout("trickle", http(target.port(), "http", false));
      assertConnectionsReleased("trickle", target);
    }
  }

  @Test
  void httpCheckAgainstASilentServerTurnsCriticalWithinItsTimeout() throws Exception {
    try (ProbeTargets.Raw target = new ProbeTargets.Raw(ProbeTargets.Raw.Mode.SILENT)) {
      assertCriticalWithinTimeout("silent", http(target.port(), "http", false));
      assertConnectionsReleased("silent", target);
    }
  }

  @Test
  void tcpCheckAgainstABlackHoleTurnsCriticalWithinItsTimeout() throws Exception {
    try (ProbeTargets.FullBacklog target = new ProbeTargets.FullBacklog()) {
      assertCriticalWithinTimeout(
          "hole", new TcpCheck("127.0.0.1", target.port(), INTERVAL, TIMEOUT));
    }
  }

  @Test
  void grpcCheckAgainstASilentServerTurnsCriticalWithinItsTimeout() throws Exception {
    try (ProbeTargets.Raw target = new ProbeTargets.Raw(ProbeTargets.Raw.Mode.SILENT)) {
      register(
          "gsilent",
          new GrpcCheck("127.0.0.1", target.port(), "", false, false, INTERVAL, TIMEOUT),
          HealthStatus.PASSING);
      await()
          .atMost(TIMEOUT.plusSeconds(5))
          .untilAsserted(
              () -> assertThat(check("gsilent").status()).isEqualTo(HealthStatus.CRITICAL));
      assertThat(check("gsilent").output()).contains("DEADLINE_EXCEEDED");
    }
  }
}
