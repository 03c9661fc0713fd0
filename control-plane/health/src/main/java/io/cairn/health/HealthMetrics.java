package io.cairn.health;

import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ProbeCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The health checker's meters, all under {@code cairn.health.*}. */
final class HealthMetrics {
  /** What a scheduled check is, for the {@code type} tag. */
  enum Kind {
    HTTP,
    TCP,
    GRPC,
    TTL;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind of(ProbeCheck check) {
      return switch (check) {
        case io.cairn.registry.model.HttpCheck c -> HTTP;
        case io.cairn.registry.model.TcpCheck c -> TCP;
        case io.cairn.registry.model.GrpcCheck c -> GRPC;
      };
    }
  }

  private final MeterRegistry meters;
  private final Map<Kind, AtomicInteger> scheduled = new EnumMap<>(Kind.class);
  private final Map<Kind, Timer> latency = new EnumMap<>(Kind.class);
  private final Timer updateLatency;
  private final Counter skipped;
  private final Counter ttlExpired;
  private final Counter reaped;

  HealthMetrics(MeterRegistry meters) {
    this.meters = meters;
    for (Kind kind : Kind.values()) {
      AtomicInteger count = new AtomicInteger();
      scheduled.put(kind, count);
      Gauge.builder("cairn.health.checks", count, AtomicInteger::get)
          .tag("type", kind.tag())
          .description("checks being run or timed")
          .register(meters);
      if (kind != Kind.TTL) {
        latency.put(
            kind,
            Timer.builder("cairn.health.probe.duration")
                .tag("type", kind.tag())
                .description("time a probe took, from start to result")
                .publishPercentiles(0.5, 0.99)
                .register(meters));
      }
    }
    updateLatency =
        Timer.builder("cairn.health.update.latency")
            .description("from a probe result (or TTL expiry) to its status change being readable")
            .publishPercentiles(0.5, 0.99)
            .register(meters);
    skipped =
        Counter.builder("cairn.health.probes.skipped")
            .description("probes not started because the previous one was still running")
            .register(meters);
    ttlExpired =
        Counter.builder("cairn.health.ttl.expired")
            .description("TTL checks made critical for lack of a report")
            .register(meters);
    reaped =
        Counter.builder("cairn.health.reaped")
            .description("instances deregistered after being critical too long")
            .register(meters);
  }

  void scheduled(Kind kind, int delta) {
    scheduled.get(kind).addAndGet(delta);
  }

  void probed(Kind kind, HealthStatus result, Duration took) {
    latency.get(kind).record(took);
    meters
        .counter("cairn.health.probes", "type", kind.tag(), "result", result.wireName())
        .increment();
  }

  /** A status change, {@code visibleAfter} its probe result (the write committed and published). */
  void transition(HealthStatus to, Duration visibleAfter) {
    meters.counter("cairn.health.transitions", "to", to.wireName()).increment();
    updateLatency.record(visibleAfter);
  }

  void skipped() {
    skipped.increment();
  }

  void ttlExpired() {
    ttlExpired.increment();
  }

  void reaped() {
    reaped.increment();
  }
}
