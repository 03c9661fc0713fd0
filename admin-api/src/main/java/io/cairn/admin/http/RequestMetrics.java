package io.cairn.admin.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts and times every request by method, route pattern (not raw path, so ids do not explode the
 * number of series) and status: {@code cairn_http_requests_seconds{method,route,status}}.
 */
public final class RequestMetrics implements Filter {
  private final MeterRegistry meters;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public RequestMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    try {
      chain.proceed();
    } finally {
      String method = req.prologue().method().text();
      String route = req.matchingPattern().orElse("unmatched");
      String status = Integer.toString(res.status().code());
      timers
          .computeIfAbsent(
              method + " " + route + " " + status,
              k ->
                  Timer.builder("cairn.http.requests")
                      .description("HTTP requests served by the admin API")
                      .tag("method", method)
                      .tag("route", route)
                      .tag("status", status)
                      .register(meters))
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }
}
