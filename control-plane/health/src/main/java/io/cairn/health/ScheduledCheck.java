package io.cairn.health;

import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.Indexed;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;

/**
 * The scheduler's state for one check: the definition it runs, its threshold counts and timers.
 * Owned by the scheduler's thread; probe threads only hold a reference to compare identity, so a
 * result for a check that was since removed or redefined is recognised and dropped.
 */
final class ScheduledCheck {
  final HealthCheck check;
  final HealthMetrics.Kind kind;

  /** A probe's result counts; TTL checks have none (their status is what is reported). */
  final Optional<StatusThresholds> thresholds;

  /** Service the check's instance belongs to, as last seen. */
  String service;

  /** Index of the check as last seen; a new one for a TTL check means a report arrived. */
  long index;

  /** When this check was first seen or last reported (TTL), from {@link System#nanoTime()}. */
  long reportedAt;

  boolean probing;

  /** When this scheduler last wrote the check's output, from {@link System#nanoTime()}. */
  Optional<Long> outputWrittenAt = Optional.empty();

  /** The probe's timer; TTL checks have none of their own (see {@link TtlDeadlines}). */
  ScheduledFuture<?> timer;

  /**
   * A TTL check's next deadline, from {@link System#nanoTime()}, and its place in {@link
   * TtlDeadlines}.
   */
  long ttlDeadline;

  int ttlSlot = -1;

  /** Since when the check has been critical, when its instance is deregistered after a while. */
  Optional<Long> criticalSince = Optional.empty();

  Optional<ScheduledFuture<?>> reaper = Optional.empty();

  ScheduledCheck(Indexed<HealthCheck> check, HealthMetrics.Kind kind, String service, long now) {
    this.check = check.value();
    this.kind = kind;
    this.thresholds =
        kind == HealthMetrics.Kind.TTL
            ? Optional.empty()
            : Optional.of(new StatusThresholds(check.value().thresholds()));
    this.service = service;
    this.index = check.modifyIndex();
    this.reportedAt = now;
  }

  String id() {
    return check.id();
  }

  void cancelTimers() {
    if (timer != null) {
      timer.cancel(false);
    }
    reaper.ifPresent(r -> r.cancel(false));
    reaper = Optional.empty();
  }
}
