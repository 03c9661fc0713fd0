package io.cairn.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.Fixtures;
import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.RegisterCheck;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.model.CheckThresholds;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ProbeCheck;
import io.cairn.registry.model.TcpCheck;
import io.cairn.registry.model.TtlCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduler against a scripted prober and an in-memory registry: no network. */
class HealthCheckerTest {
  private static final Duration FAST = Duration.ofMillis(100);

  /** Answers each port with a result the test sets, and counts calls per port. */
  static final class ScriptedProber implements Prober {
    final Map<Integer, ProbeResult> results = new ConcurrentHashMap<>();
    final Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    volatile Duration delay = Duration.ZERO;

    @Override
    public ProbeResult probe(ProbeCheck check) {
      int port = ((TcpCheck) check).port();
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.decrementAndGet();
      }
      int n = calls.computeIfAbsent(port, p -> new AtomicInteger()).incrementAndGet();
      ProbeResult r = results.getOrDefault(port, ProbeResult.critical("no script"));
      // Output that differs every time, as real probes' often does (timestamps, counters).
      return new ProbeResult(r.status(), r.output() + " #" + n);
    }

    int calls(int port) {
      AtomicInteger n = calls.get(port);
      return n == null ? 0 : n.get();
    }
  }

  private final Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
  private final ScriptedProber prober = new ScriptedProber();
  private final List<HealthChecker> checkers = new ArrayList<>();

  @AfterEach
  void close() {
    checkers.forEach(HealthChecker::close);
    registry.close();
  }

  private HealthChecker start(int maxConcurrent) {
    HealthChecker checker =
        HealthChecker.start(
            registry, prober, new SimpleMeterRegistry(), new HealthSettings(maxConcurrent));
    checkers.add(checker);
    return checker;
  }

  private void register(String instance, HealthCheck check) {
    registry.apply(RegisterInstance.of(Fixtures.instance(instance, "web")));
    registry.apply(new RegisterCheck(check));
  }

  private static HealthCheck tcp(
      String id, String instance, int port, CheckThresholds t, Optional<Duration> reapAfter) {
    return new HealthCheck(
        id,
        "tcp " + id,
        instance,
        new TcpCheck("127.0.0.1", port, FAST, Duration.ofSeconds(1)),
        HealthStatus.CRITICAL,
        "",
        "",
        t,
        reapAfter);
  }

  private HealthStatus status(String checkId) {
    return registry.snapshot().check(checkId).orElseThrow().value().status();
  }

  @Test
  void resultsChangeStatusAndSteadyResultsWriteNothing() {
    prober.results.put(1, ProbeResult.passing("up"));
    register("web-1", tcp("c1", "web-1", 1, CheckThresholds.IMMEDIATE, Optional.empty()));
    start(16);

    await().until(() -> status("c1") == HealthStatus.PASSING);
    assertThat(registry.snapshot().check("c1").orElseThrow().value().output()).startsWith("up #");
    long index = registry.snapshot().index();
    int calls = prober.calls(1);
    await().until(() -> prober.calls(1) >= calls + 5);
    assertThat(registry.snapshot().index()).as("no write while the status holds").isEqualTo(index);

    prober.results.put(1, ProbeResult.critical("down"));
    await().until(() -> status("c1") == HealthStatus.CRITICAL);
    prober.results.put(1, ProbeResult.warning("busy"));
    await().until(() -> status("c1") == HealthStatus.WARNING);
    prober.results.put(1, ProbeResult.passing("up"));
    await().until(() -> status("c1") == HealthStatus.PASSING);
  }

  @Test
  void thresholdsWarnBeforeCriticalAndWaitForSuccesses() {
    prober.results.put(2, ProbeResult.passing("up"));
    register("web-2", tcp("c2", "web-2", 2, new CheckThresholds(3, 1, 4), Optional.empty()));
    start(16);
    await().until(() -> status("c2") == HealthStatus.PASSING);
    assertThat(prober.calls(2)).as("three successes before passing").isGreaterThanOrEqualTo(3);

    int before = prober.calls(2);
    prober.results.put(2, ProbeResult.critical("down"));
    await().until(() -> status("c2") == HealthStatus.WARNING);
    await().until(() -> status("c2") == HealthStatus.CRITICAL);
    assertThat(prober.calls(2) - before)
        .as("four failures before critical")
        .isGreaterThanOrEqualTo(4);
  }

  /** An ownership the test flips, as replica membership would. */
  static final class SwitchedOwnership implements CheckOwnership {
    volatile java.util.Set<String> owned;
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    SwitchedOwnership(java.util.Set<String> owned) {
      this.owned = owned;
    }

    @Override
    public boolean owns(String checkId) {
      return owned.contains(checkId);
    }

    @Override
    public void onChange(Runnable listener) {
      listeners.add(listener);
    }

    void set(java.util.Set<String> owned) {
      this.owned = owned;
      listeners.forEach(Runnable::run);
    }
  }

  @Test
  void onlyOwnedChecksRunAndOwnershipChangesMoveThem() {
    prober.results.put(11, ProbeResult.passing("up"));
    prober.results.put(12, ProbeResult.passing("up"));
    register("web-11", tcp("c11", "web-11", 11, CheckThresholds.IMMEDIATE, Optional.empty()));
    register("web-12", tcp("c12", "web-12", 12, CheckThresholds.IMMEDIATE, Optional.empty()));
    SwitchedOwnership ownership = new SwitchedOwnership(java.util.Set.of("c11"));
    checkers.add(
        HealthChecker.start(
            registry, prober, new SimpleMeterRegistry(), new HealthSettings(16), ownership));

    await().until(() -> status("c11") == HealthStatus.PASSING);
    await().pollDelay(Duration.ofMillis(400)).until(() -> true);
    assertThat(prober.calls(12)).as("not owned, not probed").isZero();

    ownership.set(java.util.Set.of("c12"));
    await().until(() -> status("c12") == HealthStatus.PASSING);
    await().pollDelay(Duration.ofMillis(150)).until(() -> true);
    int after = prober.calls(11);
    await().pollDelay(Duration.ofMillis(500)).until(() -> true);
    assertThat(prober.calls(11)).as("given away, no longer probed").isEqualTo(after);
  }

  @Test
  void deregisteringAnInstanceStopsItsProbesAtOnce() {
    prober.results.put(3, ProbeResult.passing("up"));
    register("web-3", tcp("c3", "web-3", 3, CheckThresholds.IMMEDIATE, Optional.empty()));
    start(16);
    await().until(() -> status("c3") == HealthStatus.PASSING);

    registry.apply(new DeregisterInstance("web-3"));
    // One probe may have been in flight; after it, none.
    await().pollDelay(Duration.ofMillis(150)).until(() -> true);
    int after = prober.calls(3);
    await().pollDelay(Duration.ofMillis(500)).until(() -> true);
    assertThat(prober.calls(3)).isEqualTo(after);
  }

  @Test
  void aRedefinedCheckProbesItsNewTarget() {
    prober.results.put(4, ProbeResult.passing("old"));
    prober.results.put(5, ProbeResult.critical("new target down"));
    register("web-4", tcp("c4", "web-4", 4, CheckThresholds.IMMEDIATE, Optional.empty()));
    start(16);
    await().until(() -> status("c4") == HealthStatus.PASSING);

    registry.apply(
        new RegisterCheck(tcp("c4", "web-4", 5, CheckThresholds.IMMEDIATE, Optional.empty())));
    await().until(() -> prober.calls(5) > 0);
    await().until(() -> status("c4") == HealthStatus.CRITICAL);
    int old = prober.calls(4);
    await().pollDelay(Duration.ofMillis(400)).until(() -> true);
    assertThat(prober.calls(4)).as("old target no longer probed").isLessThanOrEqualTo(old + 1);
  }

  @Test
  void instancesCriticalTooLongAreDeregistered() {
    prober.results.put(6, ProbeResult.critical("down"));
    register(
        "web-6",
        tcp("c6", "web-6", 6, CheckThresholds.IMMEDIATE, Optional.of(Duration.ofMillis(300))));
    register("web-7", Fixtures.ttlCheck("c7", "web-7", HealthStatus.PASSING));
    start(16);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> registry.snapshot().instance("web-6").isEmpty());
    assertThat(registry.snapshot().instance("web-7")).isPresent();
  }

  @Test
  void aCheckThatRecoversIsNotReaped() {
    prober.results.put(8, ProbeResult.critical("down"));
    register(
        "web-8",
        tcp("c8", "web-8", 8, CheckThresholds.IMMEDIATE, Optional.of(Duration.ofMillis(800))));
    start(16);
    prober.results.put(8, ProbeResult.passing("up"));
    await().until(() -> status("c8") == HealthStatus.PASSING);
    await().pollDelay(Duration.ofMillis(1200)).until(() -> true);
    assertThat(registry.snapshot().instance("web-8")).isPresent();
  }

  @Test
  void ttlChecksExpireWithoutReportsAndStayWithThem() {
    HealthCheck ttl =
        HealthCheck.of(
            "t1", "ttl", "web-9", new TtlCheck(Duration.ofMillis(400)), HealthStatus.PASSING);
    register("web-9", ttl);
    HealthChecker checker = start(16);

    // Reports that change nothing still reset the clock.
    long until = System.nanoTime() + Duration.ofMillis(1200).toNanos();
    while (System.nanoTime() < until) {
      checker.ttlReported("t1");
      registry.apply(new UpdateCheck("t1", HealthStatus.PASSING, ""));
      assertThat(status("t1")).isEqualTo(HealthStatus.PASSING);
      await().pollDelay(Duration.ofMillis(100)).until(() -> true);
    }
    await().atMost(Duration.ofSeconds(3)).until(() -> status("t1") == HealthStatus.CRITICAL);
    assertThat(registry.snapshot().check("t1").orElseThrow().value().output())
        .startsWith("TTL expired");

    checker.ttlReported("t1");
    registry.apply(new UpdateCheck("t1", HealthStatus.PASSING, "back"));
    await().pollDelay(Duration.ofMillis(200)).until(() -> true);
    assertThat(status("t1")).as("a fresh report holds for a TTL").isEqualTo(HealthStatus.PASSING);
    await().atMost(Duration.ofSeconds(3)).until(() -> status("t1") == HealthStatus.CRITICAL);
  }

  @Test
  void probesInFlightAreBounded() {
    prober.delay = Duration.ofMillis(50);
    for (int i = 0; i < 20; i++) {
      prober.results.put(100 + i, ProbeResult.passing("up"));
      register(
          "b-" + i, tcp("b" + i, "b-" + i, 100 + i, CheckThresholds.IMMEDIATE, Optional.empty()));
    }
    start(3);
    await()
        .until(
            () ->
                registry.snapshot().health("web").stream()
                    .allMatch(h -> h.status() == HealthStatus.PASSING));
    assertThat(prober.maxInFlight.get()).isBetween(1, 3);
  }

  @Test
  void aRestartedCheckerPicksUpEveryCheck() {
    prober.results.put(10, ProbeResult.passing("up"));
    register("web-10", tcp("c10", "web-10", 10, CheckThresholds.IMMEDIATE, Optional.empty()));
    start(16).close();
    checkers.clear();
    int before = prober.calls(10);
    start(16);
    await().until(() -> prober.calls(10) > before);
    await().until(() -> status("c10") == HealthStatus.PASSING);
  }

  @Test
  void aTtlCheckAddedWithAnEarlierDeadlineExpiresOnTime() {
    // The long TTL arms the one TTL timer for an hour; the short one, added later, must re-arm it.
    register(
        "web-11",
        HealthCheck.of(
            "t-long", "ttl", "web-11", new TtlCheck(Duration.ofHours(1)), HealthStatus.PASSING));
    start(16);
    await().pollDelay(Duration.ofMillis(200)).until(() -> true);
    register(
        "web-12",
        HealthCheck.of(
            "t-short",
            "ttl",
            "web-12",
            new TtlCheck(Duration.ofMillis(300)),
            HealthStatus.PASSING));
    register(
        "web-13",
        HealthCheck.of(
            "t-mid", "ttl", "web-13", new TtlCheck(Duration.ofMillis(900)), HealthStatus.PASSING));

    await().atMost(Duration.ofSeconds(3)).until(() -> status("t-short") == HealthStatus.CRITICAL);
    await().atMost(Duration.ofSeconds(3)).until(() -> status("t-mid") == HealthStatus.CRITICAL);
    assertThat(status("t-long")).isEqualTo(HealthStatus.PASSING);
  }

  @Test
  void aRedefinedTtlCheckStopsWithItsInstance() {
    register("web-14", Fixtures.ttlCheck("t14", "web-14", HealthStatus.PASSING));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    HealthChecker checker = HealthChecker.start(registry, prober, meters, new HealthSettings(16));
    checkers.add(checker);
    DoubleSupplier ttlChecks =
        () -> meters.get("cairn.health.checks").tag("type", "ttl").gauge().value();
    await().until(() -> ttlChecks.getAsDouble() == 1);

    registry.apply(
        new RegisterCheck(
            HealthCheck.of(
                "t14",
                "ttl t14",
                "web-14",
                new TtlCheck(Duration.ofMinutes(5)),
                HealthStatus.PASSING)));
    await().pollDelay(Duration.ofMillis(200)).until(() -> true);
    registry.apply(new DeregisterInstance("web-14"));

    await().atMost(Duration.ofSeconds(3)).until(() -> ttlChecks.getAsDouble() == 0);
  }
}
