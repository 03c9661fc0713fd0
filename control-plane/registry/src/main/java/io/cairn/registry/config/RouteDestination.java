package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a matched request goes and how it is retried.
 *
 * @param target service and subset; an empty service means the router's own
 * @param prefixRewrite replaces the matched path prefix (needs a prefix or exact path match)
 * @param requestTimeout total time allowed for the request, retries included
 * @param numRetries how many times to retry
 * @param retryOnConnectFailure retry when the upstream connection fails
 * @param retryOnStatusCodes retry on these response codes
 * @param retryOn Envoy retry conditions ({@code 5xx}, {@code reset}, ...)
 */
public record RouteDestination(
    ServiceTarget target,
    String prefixRewrite,
    Optional<Duration> requestTimeout,
    int numRetries,
    boolean retryOnConnectFailure,
    List<Integer> retryOnStatusCodes,
    List<String> retryOn) {

  /** Envoy's retry_on conditions that Consul accepts. */
  public static final Set<String> RETRY_CONDITIONS =
      Set.of(
          "5xx",
          "gateway-error",
          "reset",
          "connect-failure",
          "envoy-ratelimited",
          "retriable-4xx",
          "refused-stream",
          "cancelled",
          "deadline-exceeded",
          "internal",
          "resource-exhausted",
          "unavailable");

  private static final int MAX_RETRIES = 100;

  public RouteDestination {
    Problems p = new Problems();
    if (target == null) {
      p.add("target", "is required");
    }
    if (prefixRewrite == null) {
      p.add("prefixRewrite", "must not be null (use an empty string)");
    }
    if (requestTimeout == null) {
      p.add("requestTimeout", "must not be null (use Optional.empty())");
    } else {
      requestTimeout
          .filter(t -> t.isNegative() || t.isZero())
          .ifPresent(t -> p.add("requestTimeout", "must be positive, was " + t));
    }
    p.check(
        numRetries >= 0 && numRetries <= MAX_RETRIES,
        "numRetries",
        "must be between 0 and " + MAX_RETRIES);
    if (retryOnStatusCodes == null || retryOn == null) {
      p.add("", "retryOnStatusCodes and retryOn must not be null (use empty lists)");
      p.throwIfAny();
    }
    retryOnStatusCodes = List.copyOf(retryOnStatusCodes);
    retryOn = List.copyOf(retryOn);
    for (int i = 0; i < retryOnStatusCodes.size(); i++) {
      int code = retryOnStatusCodes.get(i);
      p.check(
          code >= 100 && code <= 599,
          "retryOnStatusCodes[" + i + "]",
          "must be an HTTP status between 100 and 599, was " + code);
    }
    for (int i = 0; i < retryOn.size(); i++) {
      p.check(
          RETRY_CONDITIONS.contains(retryOn.get(i)),
          "retryOn[" + i + "]",
          "'" + retryOn.get(i) + "' is not one of " + RETRY_CONDITIONS);
    }
    p.throwIfAny();
  }

  /** Sends to {@code target} with no rewrite, timeout or retries. */
  public static RouteDestination to(ServiceTarget target) {
    return new RouteDestination(target, "", Optional.empty(), 0, false, List.of(), List.of());
  }
}
