package io.cairn.admin.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Counts and times every request by method, route pattern (not raw path, so ids do not explode the
 * number of series) and status: {@code cairn_http_requests_seconds{method,route,status}}.
 */
public final class RequestMetrics implements Filter {
  private final MeterRegistry meters;
  private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

  private record Key(Method method, String route, int status) {}

  public RequestMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    try {
      chain.proceed();
    } finally {
      Key key =
          new Key(
              req.prologue().method(),
              req.matchingPattern().orElse("unmatched"),
              res.status().code());
      timers
          .computeIfAbsent(
              key,
              k ->
                  Timer.builder("cairn.http.requests")
                      .description("HTTP requests served by the admin API")
                      .tag("method", k.method().text())
                      .tag("route", k.route())
                      .tag("status", Integer.toString(k.status()))
                      .register(meters))
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }
}
