package io.cairn.xds.translate;

import com.google.protobuf.UInt32Value;
import io.cairn.registry.config.RouteDestination;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A service-router destination's retries as a {@link RetryPolicy}, as Consul builds it: {@code
 * RetryOn}, then {@code connect-failure} for {@code RetryOnConnectFailure}, then {@code
 * retriable-status-codes} for {@code RetryOnStatusCodes}; {@code num_retries} only when {@code
 * NumRetries} is positive, so an unset count means the client's default (1), never 0 (which grpc-go
 * rejects and Envoy and grpc-java treat as "no retry"). {@code NumRetries} without a condition
 * retries on {@code 5xx}.
 *
 * <p>gRPC clients (gRFC A44) know only the status names {@code cancelled}, {@code
 * deadline-exceeded}, {@code internal}, {@code resource-exhausted} and {@code unavailable}; HTTP
 * conditions become the status a gRPC client sees for them (HTTP-to-gRPC mapping: connection
 * failures, resets, refused streams, 5xx, 429, 502, 503 and 504 are {@code unavailable}; 400 is
 * {@code internal}) and the rest ({@code envoy-ratelimited}, {@code retriable-4xx}, other status
 * codes) are dropped. Nothing left means no retry policy.
 */
final class RetryPolicies {
  private static final Set<String> GRPC_STATUSES =
      Set.of("cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable");
  private static final Set<String> UNAVAILABLE =
      Set.of("5xx", "gateway-error", "reset", "connect-failure", "refused-stream");

  private RetryPolicies() {}

  static Optional<RetryPolicy> of(RouteDestination d, RouteClient client) {
    Set<String> conditions = new LinkedHashSet<>(d.retryOn());
    if (d.retryOnConnectFailure()) {
      conditions.add("connect-failure");
    }
    if (!d.retryOnStatusCodes().isEmpty()) {
      conditions.add("retriable-status-codes");
    }
    if (conditions.isEmpty() && d.numRetries() > 0) {
      conditions.add("5xx");
    }
    if (client == RouteClient.GRPC) {
      conditions = grpc(conditions, d);
    }
    if (conditions.isEmpty()) {
      return Optional.empty();
    }
    RetryPolicy.Builder b = RetryPolicy.newBuilder().setRetryOn(String.join(",", conditions));
    if (d.numRetries() > 0) {
      b.setNumRetries(UInt32Value.of(d.numRetries()));
    }
    if (client == RouteClient.ENVOY) {
      b.addAllRetriableStatusCodes(d.retryOnStatusCodes());
    }
    return Optional.of(b.build());
  }

  private static Set<String> grpc(Set<String> conditions, RouteDestination d) {
    Set<String> out = new LinkedHashSet<>();
    for (String c : conditions) {
      if (GRPC_STATUSES.contains(c)) {
        out.add(c);
      } else if (UNAVAILABLE.contains(c)) {
        out.add("unavailable");
      } else if (c.equals("retriable-status-codes")) {
        for (int code : d.retryOnStatusCodes()) {
          switch (code) {
            case 429, 502, 503, 504 -> out.add("unavailable");
            case 400 -> out.add("internal");
            default -> {} // UNKNOWN and the like: gRPC cannot retry on them
          }
        }
      }
    }
    return out;
  }
}
