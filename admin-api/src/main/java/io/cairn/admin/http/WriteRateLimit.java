package io.cairn.admin.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-client write rate limit: a token bucket per client address (burst, then the sustained rate).
 * A write over the limit gets 429 with {@code Retry-After} in whole seconds, so a misbehaving
 * registrant cannot starve the single writer that every other client shares.
 */
public final class WriteRateLimit implements Filter {
  /** Buckets kept before idle (full) ones are dropped; bounds memory under address churn. */
  static final int MAX_TRACKED = 10_000;

  private final double perSecond;
  private final double burst;
  private final LongSupplier nanos;
  private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();
  private final Counter refused;

  public WriteRateLimit(HttpLimits limits, MeterRegistry meters) {
    this(limits, meters, System::nanoTime);
  }

  WriteRateLimit(HttpLimits limits, MeterRegistry meters, LongSupplier nanos) {
    this.perSecond = limits.writesPerSecondPerClient();
    this.burst = Math.max(1, limits.writeBurstPerClient());
    this.nanos = nanos;
    this.refused = HttpLimitMetrics.limited(meters, "write-rate");
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    Method m = req.prologue().method();
    if (m != Method.PUT && m != Method.POST && m != Method.DELETE) {
      chain.proceed();
      return;
    }
    double wait = take(client(req.remotePeer().address()));
    if (wait <= 0) {
      chain.proceed();
      return;
    }
    refused.increment();
    long seconds = (long) Math.ceil(wait);
    res.header(HeaderNames.RETRY_AFTER, Long.toString(seconds));
    ErrorResponses.send(
        res,
        429,
        "too many writes from this client (limit "
            + (perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : perSecond)
            + "/s, burst "
            + (long) burst
            + ", http.write-rate-per-client); retry after "
            + seconds
            + " s",
        List.of());
  }

  /** Takes one token for {@code client}: 0 if it had one, else the seconds until it will. */
  double take(InetAddress client) {
    long now = nanos.getAsLong();
    if (buckets.size() >= MAX_TRACKED) {
      buckets.values().removeIf(b -> b.full(now));
    }
    Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
    return bucket.take(now);
  }

  private static InetAddress client(SocketAddress address) {
    return address instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress()
        : InetAddress.getLoopbackAddress();
  }

  /** Tokens refill at {@code perSecond} up to {@code burst}. */
  private final class Bucket {
    private double tokens;
    private long last;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.last = now;
    }

    synchronized double take(long now) {
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (1 - tokens) / perSecond;
    }

    synchronized boolean full(long now) {
      refill(now);
      return tokens >= burst;
    }

    private void refill(long now) {
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
      last = now;
    }
  }
}
