package io.cairn.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Cross-replica propagation, one registration at a time: a new instance of one service registered
 * on replica A, and the time from A's HTTP 200 until (a) a blocking query on replica B, in flight
 * before the write, returns with it and (b) an ADS stream on replica C receives an assignment with
 * its endpoint. Each instance is deregistered again, and both readers see it gone, before the next
 * sample, so every sample starts from the same quiet state and the service stays one instance.
 */
final class Propagation implements AutoCloseable {
  static final String SERVICE = "prop";
  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * How long the blocking query gets to reach B before the write. Had it not arrived yet, it would
   * still see the change at once (its index is older), so this only keeps samples alike.
   */
  private static final long PARK_MILLIS = 10;

  /** Per measured sample, in nanoseconds: A's HTTP round trip, then the delay to B and to C. */
  record Samples(long[] write, long[] blockingQuery, long[] xds) {}

  private final HttpClient http;
  private final String a;
  private final String b;
  private final EdsWatch c;
  private final ExecutorService reader =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("blocking-query").unstarted(r));

  Propagation(HttpClient http, String a, String b, EdsWatch c) {
    this.http = http;
    this.a = a;
    this.b = b;
    this.c = c;
  }

  /** {@code warmup} unrecorded samples (JIT, connections), then {@code samples} recorded. */
  Samples run(int warmup, int samples) throws Exception {
    long[] write = new long[samples];
    long[] blocking = new long[samples];
    long[] xds = new long[samples];
    for (int k = 0; k < warmup + samples; k++) {
      long[] one = sample(k);
      if (k >= warmup) {
        write[k - warmup] = one[0];
        blocking[k - warmup] = one[1];
        xds[k - warmup] = one[2];
      }
    }
    return new Samples(write, blocking, xds);
  }

  private long[] sample(int k) throws Exception {
    String id = SERVICE + "-" + k;
    String address = "10.9." + (k / 250 % 250) + "." + (k % 250 + 1);
    String endpoint = address + ":8080";
    long index = index(get(b, ""));
    Future<Long> onB = reader.submit(() -> blockUntil(id, index));
    Thread.sleep(PARK_MILLIS);
    c.arm(endpoint);
    long sent = System.nanoTime();
    HttpResponse<String> r =
        send(
            a,
            "/v1/agent/service/register",
            """
            {"ID":"%s","Name":"%s","Address":"%s","Port":8080}"""
                .formatted(id, SERVICE, address));
    long acknowledged = System.nanoTime();
    if (r.statusCode() != 200) {
      onB.cancel(true);
      throw new IllegalStateException("register on A: " + r.statusCode() + " " + r.body());
    }
    long seenOnB = onB.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    long seenOnC = c.awaitArmed(WAIT);

    HttpResponse<String> d = send(a, "/v1/agent/service/deregister/" + id, "");
    if (d.statusCode() != 200) {
      throw new IllegalStateException("deregister on A: " + d.statusCode() + " " + d.body());
    }
    awaitGoneOnB(id);
    c.awaitGone(endpoint, WAIT);
    return new long[] {acknowledged - sent, seenOnB - acknowledged, seenOnC - acknowledged};
  }

  /** Blocking queries on B from {@code index} until one answers with {@code id}; when it did. */
  private long blockUntil(String id, long index) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = get(b, "index=" + index + "&wait=30s");
      long at = System.nanoTime();
      if (r.body().contains("\"" + id + "\"")) {
        return at;
      }
      index = Math.max(index, index(r));
    }
    throw new IllegalStateException("blocking query on B: " + id + " not seen within " + WAIT);
  }

  private void awaitGoneOnB(String id) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (get(b, "").body().contains("\"" + id + "\"")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("B still lists " + id + " after " + WAIT);
      }
      Thread.sleep(1);
    }
  }

  private HttpResponse<String> get(String base, String query) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base
                            + "/v1/health/service/"
                            + SERVICE
                            + (query.isEmpty() ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET on B: " + r.statusCode() + " " + r.body());
    }
    return r;
  }

  private HttpResponse<String> send(String base, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long index(HttpResponse<?> r) {
    return r.headers().firstValueAsLong("X-Consul-Index").orElse(0);
  }

  /** {@code label: p50 .. p90 .. p99 .. max ..} of samples in nanoseconds, in milliseconds. */
  static String quantiles(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format(
        "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
        LatencyRecorder.quantileMillis(sorted, 0.50),
        LatencyRecorder.quantileMillis(sorted, 0.90),
        LatencyRecorder.quantileMillis(sorted, 0.99),
        sorted[sorted.length - 1] / 1e6);
  }

  @Override
  public void close() {
    reader.shutdownNow();
  }
}
