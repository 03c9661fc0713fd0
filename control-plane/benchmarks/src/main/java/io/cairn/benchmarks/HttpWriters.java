package io.cairn.benchmarks;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Registration writers over HTTP spread over servers (writer w on server w mod n), each on its own
 * kept-alive connection, waiting for each answer before the next request. Unlike {@link LoadRun} a
 * refusal (any status but 200, as a 503 from a replica that could not commit) is counted rather
 * than fatal, and only acknowledged registrations count and are timed.
 */
final class HttpWriters {
  /**
   * A measured window: acknowledged registrations, refusals and the first refusal's text, the CPU
   * others used ({@link OtherCpu}) and this benchmark's own processes used ({@link ProcessCpu}).
   */
  record Result(
      int writers,
      long acknowledged,
      long refused,
      double seconds,
      double p50Ms,
      double p99Ms,
      String firstRefusal,
      double otherCores,
      String ownCpu) {
    double perSecond() {
      return acknowledged / seconds;
    }
  }

  private HttpWriters() {}

  /**
   * Runs {@code writers} writers for {@code warmupSeconds}, then measures {@code seconds}. Ids are
   * {@code <prefix>-<writer>-<n>}, so every run registers new instances.
   */
  static Result run(
      List<InetSocketAddress> servers, String prefix, int writers, int warmupSeconds, int seconds)
      throws Exception {
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong refused = new AtomicLong();
    AtomicReference<String> firstRefusal = new AtomicReference<>("");
    List<LatencyRecorder> recorders = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    CountDownLatch started = new CountDownLatch(writers);
    for (int w = 0; w < writers; w++) {
      LatencyRecorder recorder = new LatencyRecorder();
      recorders.add(recorder);
      int writer = w;
      InetSocketAddress server = servers.get(w % servers.size());
      threads.add(
          Thread.ofPlatform()
              .name("writer-" + w)
              .start(
                  () -> {
                    started.countDown();
                    try (Http1Connection c = new Http1Connection(server)) {
                      for (long seq = 0; !stop.get(); seq++) {
                        byte[] body = registration(prefix + "-" + writer + "-" + seq, writer, seq);
                        long t0 = System.nanoTime();
                        Http1Connection.Response r =
                            c.exchange("PUT", "/v1/agent/service/register", body);
                        long took = System.nanoTime() - t0;
                        if (!measuring.get()) {
                          continue;
                        }
                        if (r.status() == 200) {
                          recorder.record(took);
                        } else {
                          refused.incrementAndGet();
                          firstRefusal.compareAndSet("", r.status() + " " + r.text().strip());
                        }
                      }
                    } catch (Throwable t) {
                      failures.add(t);
                    }
                  }));
    }
    started.await();
    Thread.sleep(warmupSeconds * 1000L);
    OtherCpu cpu = OtherCpu.now();
    ProcessCpu own = ProcessCpu.now();
    measuring.set(true);
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    measuring.set(false);
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double others = OtherCpu.since(cpu);
    String ownCpu = ProcessCpu.since(own);
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("writer failed", failures.getFirst());
    }
    long[] all = LatencyRecorder.merge(recorders);
    return new Result(
        writers,
        all.length,
        refused.get(),
        elapsed,
        LatencyRecorder.quantileMillis(all, 0.50),
        LatencyRecorder.quantileMillis(all, 0.99),
        firstRefusal.get(),
        others,
        ownCpu);
  }

  /** The shape of the http benchmark's registrations, without the check (see ClusterBenchmark). */
  static byte[] registration(String id, int writer, long seq) {
    return ("{\"ID\":\""
            + id
            + "\",\"Name\":\"reg-svc-"
            + (seq % 1000)
            + "\",\"Address\":\"10.1."
            + (writer % 250)
            + "."
            + (seq % 250 + 1)
            + "\",\"Port\":8080,\"Tags\":[\"v1\"],\"Meta\":{\"version\":\"1\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
