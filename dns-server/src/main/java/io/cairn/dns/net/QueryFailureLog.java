package io.cairn.dns.net;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs queries the handler failed on (a bug: a query should get an answer or an error reply). The
 * first failure after a quiet spell is logged with its stack trace; failures within the fold
 * interval after it are counted and reported in one line per interval, so a bug that every query
 * hits costs the log a line per interval, not a stack trace per query. Failures are rare, so the
 * methods are synchronized.
 */
final class QueryFailureLog {
  private final Logger log;
  private final long foldNanos;
  private final LongSupplier nanoTime;

  private boolean everFailed;

  /** When the last failure happened; one after a quiet fold interval is logged in full. */
  private long lastFailure;

  /** When the last line was logged; folded failures are reported once an interval has passed. */
  private long lastLine;

  private long folded;
  private String lastError = "";

  QueryFailureLog(Logger log, Duration fold, LongSupplier nanoTime) {
    if (fold.isNegative() || fold.isZero()) {
      throw new IllegalArgumentException("fold interval must be positive: " + fold);
    }
    this.log = log;
    this.foldNanos = fold.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Answering a query of {@code bytes} bytes failed with {@code e} at {@code where}. */
  synchronized void failed(String where, RuntimeException e, int bytes) {
    long now = nanoTime.getAsLong();
    boolean quietBefore = !everFailed || now - lastFailure >= foldNanos;
    everFailed = true;
    lastFailure = now;
    if (quietBefore) {
      if (folded > 0) {
        report(now);
      }
      lastLine = now;
      log.atWarn().setCause(e).addKeyValue("bytes", bytes).log(where);
      return;
    }
    folded++;
    lastError = where + ": " + e;
    if (now - lastLine >= foldNanos) {
      report(now);
    }
  }

  /** The listeners close: reports what is folded. */
  synchronized void close() {
    if (folded > 0) {
      report(nanoTime.getAsLong());
    }
  }

  private void report(long now) {
    log.atWarn()
        .addKeyValue("failed", folded)
        .addKeyValue("seconds", (now - lastLine) / 1_000_000_000L)
        .log("DNS queries kept failing; last: " + lastError);
    folded = 0;
    lastLine = now;
  }
}
