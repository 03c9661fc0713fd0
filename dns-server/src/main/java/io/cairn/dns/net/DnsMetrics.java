package io.cairn.dns.net;

import io.cairn.dns.wire.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * DNS meters: {@code cairn.dns.queries} (a timer by question type, rcode and transport: count and
 * latency), {@code cairn.dns.truncated}, {@code cairn.dns.dropped} (packets without a reply), and
 * TCP connections open and refused.
 */
public final class DnsMetrics {
  // Sorted, searched without boxing the type on every query.
  private static final int[] NAMED_TYPES =
      IntStream.of(
              Type.A,
              Type.AAAA,
              Type.SRV,
              Type.PTR,
              Type.SOA,
              Type.NS,
              Type.ANY,
              Type.CNAME,
              Type.TXT,
              Type.AXFR,
              Type.IXFR)
          .sorted()
          .toArray();

  private final MeterRegistry meters;
  // The timers made so far, by key; copied on write. A short array scanned by int: looking a timer
  // up creates no object (a map would box the key on every query).
  private volatile KeyedTimer[] timers = {};
  private final Map<Transport, Counter> truncated = new ConcurrentHashMap<>();
  private final Counter dropped;
  private final Counter failures;
  private final Counter tcpRefused;
  private final Counter tcpTimeouts;
  private final Counter cacheHits;

  public DnsMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.dropped =
        Counter.builder("cairn.dns.dropped")
            .description("DNS packets left without a reply (responses, fragments)")
            .register(meters);
    this.failures =
        Counter.builder("cairn.dns.failures")
            .description("DNS packets whose handling failed unexpectedly (a bug)")
            .register(meters);
    this.tcpRefused =
        Counter.builder("cairn.dns.tcp.refused")
            .description("DNS TCP connections closed on accept: too many open")
            .register(meters);
    this.tcpTimeouts =
        Counter.builder("cairn.dns.tcp.timeouts")
            .description(
                "DNS TCP connections closed for a query not received or a reply not taken in time")
            .register(meters);
    this.cacheHits =
        Counter.builder("cairn.dns.reply.cache.hits")
            .description("UDP replies reused from the reply cache (also counted in queries)")
            .register(meters);
    for (Transport t : Transport.values()) {
      truncated.put(
          t,
          Counter.builder("cairn.dns.truncated")
              .description("DNS replies truncated to fit (TC set)")
              .tag("transport", name(t))
              .register(meters));
    }
  }

  /** A reply sent {@code nanos} after its query arrived. */
  public void answered(int type, int rcode, boolean wasTruncated, Transport transport, long nanos) {
    int typeKey = type < 0 ? 0xffff : named(type) ? type : 0;
    int key = (typeKey << 16) | (rcode << 1) | transport.ordinal();
    timer(key, typeKey, rcode, transport).record(nanos, TimeUnit.NANOSECONDS);
    if (wasTruncated) {
      truncated.get(transport).increment();
    }
  }

  private Timer timer(int key, int typeKey, int rcode, Transport transport) {
    for (KeyedTimer t : timers) {
      if (t.key() == key) {
        return t.timer();
      }
    }
    synchronized (this) {
      for (KeyedTimer t : timers) {
        if (t.key() == key) {
          return t.timer();
        }
      }
      Timer timer =
          Timer.builder("cairn.dns.queries")
              .description("DNS queries answered, by question type and response code")
              .tag("type", typeName(typeKey))
              .tag("rcode", Rcode.string(rcode))
              .tag("transport", name(transport))
              .register(meters);
      KeyedTimer[] next = Arrays.copyOf(timers, timers.length + 1);
      next[next.length - 1] = new KeyedTimer(key, timer);
      timers = next;
      return timer;
    }
  }

  private record KeyedTimer(int key, Timer timer) {}

  /** A UDP reply came from the reply cache; {@link #answered} counts it too. */
  public void cacheHit() {
    cacheHits.increment();
  }

  public void dropped() {
    dropped.increment();
  }

  public void failed() {
    failures.increment();
  }

  public void tcpRefused() {
    tcpRefused.increment();
  }

  public void tcpTimedOut() {
    tcpTimeouts.increment();
  }

  /** Shows {@code open} as the gauge {@code cairn.dns.tcp.connections}. */
  public void tcpConnections(java.util.function.IntSupplier open) {
    // Strong: the supplier is a method reference nobody else holds, and Micrometer keeps gauge
    // state weakly, so the gauge read NaN after the first GC.
    io.micrometer.core.instrument.Gauge.builder(
            "cairn.dns.tcp.connections", open, s -> (double) s.getAsInt())
        .description("DNS TCP connections open")
        .strongReference(true)
        .register(meters);
  }

  private static boolean named(int type) {
    return Arrays.binarySearch(NAMED_TYPES, type) >= 0;
  }

  private static String typeName(int typeKey) {
    return switch (typeKey) {
      case 0xffff -> "NONE";
      case 0 -> "OTHER";
      default -> Type.string(typeKey);
    };
  }

  private static String name(Transport t) {
    return t.name().toLowerCase(java.util.Locale.ROOT);
  }
}
