package io.cairn.health;

import io.cairn.registry.ChangeEvent;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.Subscription;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.ProbeCheck;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.TtlCheck;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every check in the registry. One platform thread owns all scheduling state and timers, and
 * follows the registry's change events, so a check starts when it is registered and stops the
 * moment its instance is deregistered. Probes run on virtual threads, at most {@link
 * HealthSettings#maxConcurrentProbes()} at once. A result goes through the check's thresholds and,
 * only when the status it decides differs from the registry's, becomes an {@link UpdateCheck} for
 * the single writer: a steady check costs no writes.
 */
public final class HealthChecker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  /** New checks start within this (or their interval, if shorter), so they report soon. */
  private static final Duration NEW_CHECK_SPREAD = Duration.ofSeconds(1);

  /** Output that changes under a steady status is rewritten at most this often. */
  static final Duration OUTPUT_REFRESH = Duration.ofSeconds(30);

  private final Registry registry;
  private final Prober prober;
  private final CheckOwnership ownership;
  private final HealthMetrics metrics;
  private final ScheduledExecutorService owner;
  private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore slots;

  // Owned by the scheduler thread.
  private final Map<String, ScheduledCheck> checks = new HashMap<>();
  // The owned checks scheduled for each instance (immutable sets: most instances have one check);
  // the instance a check was last seen on is its ScheduledCheck's serviceId.
  private final Map<String, Set<String>> checksByInstance = new HashMap<>();
  private long seenIndex;

  // One timer for every TTL check: armed for ttlTimerAt, at or before the earliest deadline.
  private final TtlDeadlines ttlDeadlines = new TtlDeadlines();
  private Optional<ScheduledFuture<?>> ttlTimer = Optional.empty();
  private long ttlTimerAt;

  /** TTL reports by check id, written by request threads, read by the scheduler thread. */
  private final Map<String, Long> ttlReports = new ConcurrentHashMap<>();

  private final Subscription subscription;

  private HealthChecker(
      Registry registry,
      Prober prober,
      MeterRegistry meters,
      HealthSettings settings,
      CheckOwnership ownership) {
    this.registry = registry;
    this.prober = prober;
    this.ownership = ownership;
    this.metrics = new HealthMetrics(meters);
    this.slots = new Semaphore(settings.maxConcurrentProbes());
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("cairn-health").factory());
    // Cancelled timers leave the queue at once, so churn in checks does not grow it.
    executor.setRemoveOnCancelPolicy(true);
    this.owner = executor;
    this.subscription = registry.subscribe(this::onChange);
    RegistrySnapshot start = subscription.startSnapshot();
    owner.execute(() -> reconcileAll(start, true));
    ownership.onChange(() -> execute(this::reassign));
  }

  /** Starts checking everything in {@code registry} and follows its changes. */
  public static HealthChecker start(
      Registry registry, Prober prober, MeterRegistry meters, HealthSettings settings) {
    return start(registry, prober, meters, settings, CheckOwnership.ALL);
  }

  /** Starts checking the checks {@code ownership} gives this process, and follows both. */
  public static HealthChecker start(
      Registry registry,
      Prober prober,
      MeterRegistry meters,
      HealthSettings settings,
      CheckOwnership ownership) {
    return new HealthChecker(registry, prober, meters, settings, ownership);
  }

  /**
   * A TTL report for {@code checkId} is about to be applied. Called before the write, so the TTL
   * clock is already reset when the new status becomes visible; a report whose status did not
   * change writes nothing but still resets the clock.
   */
  public void ttlReported(String checkId) {
    ttlReports.put(checkId, System.nanoTime());
  }

  private void onChange(ChangeEvent event) {
    execute(() -> reconcile(event));
  }

  private void execute(Runnable task) {
    try {
      owner.execute(task);
    } catch (RejectedExecutionException e) {
      // Closing: nothing more to schedule.
    }
  }

  private void reconcileAll(RegistrySnapshot snapshot, boolean restored) {
    long now = System.nanoTime();
    Set<String> present = new HashSet<>();
    for (String service : snapshot.serviceNames()) {
      for (Indexed<ServiceInstance> instance : snapshot.instancesOf(service)) {
        present.add(instance.value().id());
        reconcileInstance(snapshot, instance.value().id(), now, restored);
      }
    }
    for (String gone : List.copyOf(checksByInstance.keySet())) {
      if (!present.contains(gone)) {
        reconcileInstance(snapshot, gone, now, restored);
      }
    }
    seenIndex = Math.max(seenIndex, snapshot.index());
    log.atInfo()
        .addKeyValue("checks", checks.size())
        .addKeyValue("of", snapshot.checkCount())
        .log(restored ? "health checker started" : "health checks reassigned");
  }

  /**
   * The replicas sharing checks changed: drops the checks now owned elsewhere and starts, within a
   * second, the ones this process took over (their TTL clocks start now).
   */
  private void reassign() {
    for (ScheduledCheck sc : List.copyOf(checks.values())) {
      if (!ownership.owns(sc.id())) {
        remove(sc);
      }
    }
    reconcileAll(registry.snapshot(), false);
  }

  /** Looks only at the instances the change names: the work follows the change, not the service. */
  private void reconcile(ChangeEvent event) {
    if (event.toIndex() <= seenIndex) {
      return;
    }
    long now = System.nanoTime();
    for (String instance : event.instances()) {
      reconcileInstance(event.snapshot(), instance, now, false);
    }
    seenIndex = event.toIndex();
  }

  private void reconcileInstance(
      RegistrySnapshot snapshot, String instanceId, long now, boolean restored) {
    Set<String> seen = new HashSet<>();
    Optional<Indexed<ServiceInstance>> instance = snapshot.instance(instanceId);
    if (instance.isPresent()) {
      String service = instance.get().value().name();
      for (Indexed<HealthCheck> check : snapshot.checksOf(instanceId)) {
        if (!ownership.owns(check.value().id())) {
          continue; // run by another replica; dropped below if it ran here
        }
        seen.add(check.value().id());
        upsert(check, service, now, restored);
      }
    }
    for (String id : checksByInstance.getOrDefault(instanceId, Set.of())) {
      ScheduledCheck sc = checks.get(id);
      // A check that moved to another instance is that instance's now.
      if (!seen.contains(id) && sc != null && instanceId.equals(sc.check.serviceId())) {
        remove(sc);
      }
    }
    if (seen.isEmpty()) {
      checksByInstance.remove(instanceId);
    } else {
      checksByInstance.put(instanceId, Set.copyOf(seen));
    }
  }

  private void upsert(Indexed<HealthCheck> indexed, String service, long now, boolean restored) {
    HealthCheck check = indexed.value();
    ScheduledCheck existing = checks.get(check.id());
    if (existing != null && existing.check.sameDefinition(check)) {
      existing.service = service;
      if (indexed.modifyIndex() != existing.index) {
        existing.index = indexed.modifyIndex();
        existing.reportedAt = now;
      }
      trackCritical(existing, check.status(), now);
      return;
    }
    if (existing != null) {
      remove(existing);
    }
    ScheduledCheck sc =
        switch (check.definition()) {
          case ProbeCheck probe -> scheduleProbe(indexed, probe, service, now, restored);
          case TtlCheck ttl -> scheduleTtl(indexed, ttl, service, now);
        };
    checks.put(check.id(), sc);
    metrics.scheduled(sc.kind, 1);
    trackCritical(sc, check.status(), now);
  }

  private ScheduledCheck scheduleProbe(
      Indexed<HealthCheck> indexed, ProbeCheck probe, String service, long now, boolean restored) {
    ScheduledCheck sc = new ScheduledCheck(indexed, HealthMetrics.Kind.of(probe), service, now);
    long interval = probe.interval().toNanos();
    // Restored checks spread over a whole interval, so a restart does not probe everything at
    // once; new ones start within a second, so a registration reports soon.
    long spread = restored ? interval : Math.min(interval, NEW_CHECK_SPREAD.toNanos());
    long first = ThreadLocalRandom.current().nextLong(spread);
    prober.track(probe);
    sc.timer =
        owner.scheduleAtFixedRate(
            () -> startProbe(sc, probe), first, interval, TimeUnit.NANOSECONDS);
    return sc;
  }

  private void startProbe(ScheduledCheck sc, ProbeCheck probe) {
    if (sc.probing) {
      metrics.skipped();
      return;
    }
    sc.probing = true;
    probes.execute(
        () -> {
          ProbeResult result;
          try {
            slots.acquire();
          } catch (InterruptedException e) {
            return;
          }
          long started = System.nanoTime();
          try {
            result = prober.probe(probe);
          } catch (RuntimeException e) {
            result = ProbeResult.critical("probe failed: " + HttpProber.describe(e));
          } finally {
            slots.release();
          }
          long resultAt = System.nanoTime();
          Duration took = Duration.ofNanos(resultAt - started);
          ProbeResult seen = result;
          execute(() -> onResult(sc, seen, took, resultAt));
        });
  }

  private void onResult(ScheduledCheck sc, ProbeResult result, Duration took, long resultAt) {
    sc.probing = false;
    if (checks.get(sc.id()) != sc) {
      return; // removed or redefined while the probe ran
    }
    metrics.probed(sc.kind, result.status(), took);
    Optional<HealthStatus> decided = sc.thresholds.orElseThrow().record(result.status());
    Optional<Indexed<HealthCheck>> current = registry.snapshot().check(sc.id());
    if (current.isEmpty()) {
      return;
    }
    HealthCheck now = current.get().value();
    HealthStatus status = decided.orElse(now.status());
    // A status change is written at once. New output under the same status is written for the
    // first result, then at most once per OUTPUT_REFRESH: operators see why a check fails (the
    // reason may change while it stays critical) without a write per probe.
    long nanos = System.nanoTime();
    boolean refreshOutput =
        !now.output().equals(result.output())
            && (sc.outputWrittenAt.isEmpty()
                || nanos - sc.outputWrittenAt.get() >= OUTPUT_REFRESH.toNanos());
    if (status != now.status() || refreshOutput) {
      sc.outputWrittenAt = Optional.of(nanos);
      write(new UpdateCheck(sc.id(), status, result.output()), status != now.status(), resultAt);
    }
  }

  private ScheduledCheck scheduleTtl(
      Indexed<HealthCheck> indexed, TtlCheck ttl, String service, long now) {
    ScheduledCheck sc = new ScheduledCheck(indexed, HealthMetrics.Kind.TTL, service, now);
    ttlDeadline(sc, now + ttl.ttl().toNanos());
    return sc;
  }

  /** Sets {@code sc}'s next TTL deadline. */
  private void ttlDeadline(ScheduledCheck sc, long deadline) {
    ttlDeadlines.put(sc, deadline);
    armTtlTimer();
  }

  /** Arms the TTL timer for the earliest deadline, unless it is already armed at or before it. */
  private void armTtlTimer() {
    Optional<ScheduledCheck> first = ttlDeadlines.first();
    if (first.isEmpty()) {
      return;
    }
    long deadline = first.get().ttlDeadline;
    if (ttlTimer.isPresent() && deadline - ttlTimerAt >= 0) {
      return;
    }
    ttlTimer.ifPresent(t -> t.cancel(false));
    ttlTimerAt = deadline;
    ttlTimer =
        Optional.of(
            owner.schedule(
                this::ttlTimerFired, deadline - System.nanoTime(), TimeUnit.NANOSECONDS));
  }

  /** Handles every TTL check whose deadline has come, then re-arms for the next one. */
  private void ttlTimerFired() {
    ttlTimer = Optional.empty();
    long now = System.nanoTime();
    for (Optional<ScheduledCheck> due = ttlDeadlines.pollDue(now);
        due.isPresent();
        due = ttlDeadlines.pollDue(now)) {
      if (due.get().check.definition() instanceof TtlCheck ttl) {
        ttlDue(due.get(), ttl, now);
      }
    }
    armTtlTimer();
  }

  /** Expires the check unless a report came within the TTL; then waits for the next deadline. */
  private void ttlDue(ScheduledCheck sc, TtlCheck ttl, long now) {
    long last = Math.max(sc.reportedAt, ttlReports.getOrDefault(sc.id(), Long.MIN_VALUE));
    long due = last + ttl.ttl().toNanos();
    if (due - now > 0) {
      ttlDeadline(sc, due);
      return;
    }
    Optional<Indexed<HealthCheck>> current = registry.snapshot().check(sc.id());
    if (current.isPresent() && current.get().value().status() != HealthStatus.CRITICAL) {
      metrics.ttlExpired();
      write(
          new UpdateCheck(
              sc.id(),
              HealthStatus.CRITICAL,
              "TTL expired (no report for " + ttl.ttl().toMillis() + "ms)"),
          true,
          now);
    }
    ttlDeadline(sc, now + ttl.ttl().toNanos());
  }

  /** Starts or stops the clock of {@code DeregisterCriticalServiceAfter}. */
  private void trackCritical(ScheduledCheck sc, HealthStatus status, long now) {
    Optional<Duration> after = sc.check.deregisterCriticalAfter();
    if (after.isEmpty()) {
      return;
    }
    if (status != HealthStatus.CRITICAL) {
      sc.criticalSince = Optional.empty();
      sc.reaper.ifPresent(r -> r.cancel(false));
      sc.reaper = Optional.empty();
    } else if (sc.criticalSince.isEmpty()) {
      sc.criticalSince = Optional.of(now);
      sc.reaper =
          Optional.of(owner.schedule(() -> reap(sc), after.get().toNanos(), TimeUnit.NANOSECONDS));
    }
  }

  private void reap(ScheduledCheck sc) {
    if (checks.get(sc.id()) != sc || sc.criticalSince.isEmpty()) {
      return;
    }
    Optional<Indexed<HealthCheck>> current = registry.snapshot().check(sc.id());
    if (current.isEmpty() || current.get().value().status() != HealthStatus.CRITICAL) {
      return;
    }
    String instance = sc.check.serviceId();
    log.atInfo()
        .addKeyValue("instance", instance)
        .addKeyValue("check", sc.id())
        .addKeyValue("after", sc.check.deregisterCriticalAfter().orElseThrow())
        .log("deregistering instance critical for too long");
    metrics.reaped();
    registry
        .submit(new DeregisterInstance(instance))
        .exceptionally(
            e -> {
              log.atDebug().addKeyValue("instance", instance).log("reap found nothing: {}", e);
              return null;
            });
  }

  /**
   * Submits {@code update}; a transition is counted, logged and timed from {@code resultAt} (when
   * the probe finished or the TTL ran out) to the moment readers see it.
   */
  private void write(UpdateCheck update, boolean transition, long resultAt) {
    registry
        .submit(update)
        .whenComplete(
            (result, error) -> {
              if (error != null) {
                // The check went away between the result and the write: nothing to record.
                log.atDebug()
                    .addKeyValue("check", update.checkId())
                    .log("update dropped: {}", error);
              } else if (transition && result.outcome() == CommandResult.Outcome.APPLIED) {
                metrics.transition(update.status(), Duration.ofNanos(System.nanoTime() - resultAt));
                log.atInfo()
                    .addKeyValue("check", update.checkId())
                    .addKeyValue("status", update.status().wireName())
                    .addKeyValue("output", firstLine(update.output()))
                    .log("check status changed");
              }
            });
  }

  /** Output as logged: its first line, at most 200 characters (it may hold a whole page). */
  private static String firstLine(String output) {
    int end = output.indexOf('\n');
    String line = end < 0 ? output : output.substring(0, end);
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }

  private void remove(ScheduledCheck sc) {
    sc.cancelTimers();
    ttlDeadlines.remove(sc);
    checks.remove(sc.id());
    ttlReports.remove(sc.id());
    metrics.scheduled(sc.kind, -1);
    if (sc.check.definition() instanceof ProbeCheck probe) {
      prober.forget(probe);
    }
  }

  /** Stops every timer and probe; the registry stays open. */
  @Override
  public void close() {
    subscription.close();
    owner.shutdownNow();
    probes.shutdownNow();
    try {
      owner.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    prober.close();
  }
}
