package io.cairn.admin.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Caps the blocking queries waiting at once. Each holds a (virtual) thread and a connection for up
 * to ten minutes, so without a cap a client looping on {@code ?index=} with fresh connections could
 * pile up without bound. Over the cap a query gets 429 with {@code Retry-After} at once.
 */
public final class BlockingQueryLimit implements Filter {
  private final int max;
  private final Semaphore permits;
  private final Counter refused;

  public BlockingQueryLimit(int max, MeterRegistry meters) {
    this.max = max;
    this.permits = new Semaphore(max);
    this.refused = HttpLimitMetrics.limited(meters, "blocking-queries");
    Gauge.builder("cairn.http.blocking.queries", permits, p -> max - p.availablePermits())
        .description("blocking queries waiting now")
        .strongReference(true)
        .register(meters);
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    if (req.prologue().method() != Method.GET || !blocking(req)) {
      chain.proceed();
      return;
    }
    if (!permits.tryAcquire()) {
      refused.increment();
      res.header(HeaderNames.RETRY_AFTER, "1");
      ErrorResponses.send(
          res,
          429,
          "too many blocking queries waiting (limit "
              + max
              + ", http.max-blocking-queries); retry, or read without ?index",
          List.of());
      return;
    }
    try {
      chain.proceed();
    } finally {
      permits.release();
    }
  }

  /** A query with a non-zero {@code index} waits; without one (or with 0) it answers at once. */
  private static boolean blocking(RoutingRequest req) {
    if (!req.query().contains("index")) {
      return false;
    }
    String index = req.query().get("index");
    return !index.isEmpty() && !index.equals("0");
  }
}
