package io.cairn.admin.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The one counter every limit increments, tagged with the limit's name. */
final class HttpLimitMetrics {
  private HttpLimitMetrics() {}

  static Counter limited(MeterRegistry meters, String limit) {
    return Counter.builder("cairn.http.limited")
        .description("requests refused by a limit of the admin API")
        .tag("limit", limit)
        .register(meters);
  }
}
