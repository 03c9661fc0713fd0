package io.cairn.registry;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs store failures as incidents. The first failure after a quiet spell, and the reopening that
 * ends it, are logged in full; failures that follow within the fold interval are counted and
 * reported in one line per interval, so a disk that fails every few milliseconds cannot flood the
 * log with two lines per failed commit.
 *
 * <p>Called by the committer and, for inline commits, by writers holding the write turn; its
 * methods are synchronized because failures are rare and the quiet path ({@link #committed}) reads
 * one volatile field.
 */
final class StoreIncidentLog {

  private final Logger log;
  private final long foldNanos;
  private final LongSupplier nanoTime;

  /** Whether folded failures wait to be reported. */
  private volatile boolean pending;

  /** When the last failure or reopening happened; failures within the fold interval fold. */
  private long lastActivity;

  private boolean everFailed;

  /** Whether the incident under way is logged in full (its first failure was). */
  private boolean fullIncident;

  /** When the folded counts below started. */
  private long windowStart;

  private int failures;
  private int reopened;
  private long refusedCommands;
  private long longestFailedMs;
  private long lastIndex;
  private String lastError = "";

  StoreIncidentLog(Logger log, Duration fold, LongSupplier nanoTime) {
    if (fold.isNegative() || fold.isZero()) {
      throw new IllegalArgumentException("fold interval must be positive: " + fold);
    }
    this.log = log;
    this.foldNanos = fold.toNanos();
    this.nanoTime = nanoTime;
  }

  /** A commit of {@code commands} at {@code index} failed with {@code error}; writes are closed. */
  synchronized void commitFailed(long index, int commands, String error) {
    long now = nanoTime.getAsLong();
    if (!everFailed || now - lastActivity >= foldNanos) {
      report(now);
      everFailed = true;
      fullIncident = true;
      lastActivity = now;
      log.atWarn()
          .addKeyValue("index", index)
          .addKeyValue("commands", commands)
          .log(
              "store commit failed; writes are refused until the store has been reopened and"
                  + " read back: "
                  + error);
      return;
    }
    fullIncident = false;
    lastActivity = now;
    if (!pending) {
      windowStart = now;
      pending = true;
    }
    failures++;
    lastIndex = index;
    lastError = error;
    reportIfDue(now);
  }

  /** Whether a failed attempt to reopen the store is worth a line of its own. */
  synchronized boolean logsReopenAttempts() {
    return fullIncident;
  }

  /** The store was reopened and read back after a failure; writes are taken again. */
  synchronized void reopened(long index, int attempts, int refused, long failedMs) {
    long now = nanoTime.getAsLong();
    lastActivity = now;
    if (fullIncident) {
      log.atInfo()
          .addKeyValue("index", index)
          .addKeyValue("attempts", attempts)
          .addKeyValue("refused-commands", refused)
          .addKeyValue("failed-ms", failedMs)
          .log("store reopened and read back; writes are taken again");
      return;
    }
    reopened++;
    refusedCommands += refused;
    longestFailedMs = Math.max(longestFailedMs, failedMs);
    lastIndex = index;
    reportIfDue(now);
  }

  /** A commit succeeded: reports folded failures once their interval is over. */
  void committed() {
    if (pending) {
      synchronized (this) {
        reportIfDue(nanoTime.getAsLong());
      }
    }
  }

  /** The registry closes: reports what is folded. */
  synchronized void close() {
    report(nanoTime.getAsLong());
  }

  private void reportIfDue(long now) {
    if (pending && now - windowStart >= foldNanos) {
      report(now);
    }
  }

  private void report(long now) {
    if (!pending) {
      return;
    }
    log.atWarn()
        .addKeyValue("failed-commits", failures)
        .addKeyValue("reopened", reopened)
        .addKeyValue("refused-commands", refusedCommands)
        .addKeyValue("longest-failed-ms", longestFailedMs)
        .addKeyValue("index", lastIndex)
        .addKeyValue("seconds", Math.max(1, Math.round((now - windowStart) / 1e9)))
        .log(
            "store kept failing: each failed commit closed writes until the store was reopened and"
                + " read back; last error: "
                + lastError);
    pending = false;
    failures = 0;
    reopened = 0;
    refusedCommands = 0;
    longestFailedMs = 0;
  }
}
