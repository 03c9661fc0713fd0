package io.cairn.benchmarks;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.xbill.DNS.Type;

/**
 * Soak ({@code bin/bench soak}): the packaged server under mixed load for {@code minutes}:
 * registration churn over HTTP, health reads, DNS queries, and xDS streams that ACK every push and
 * are reconnected now and then. Every {@code sample-seconds} the server gets a full GC ({@code jcmd
 * GC.run}) and its live heap and thread count are recorded; the verdict compares the start of the
 * run (after a warm-up fifth) with its end. A leak shows as growth of the live heap.
 */
final class SoakBenchmark {
  private static final Pattern XDS_PORT = Pattern.compile("xDS listening.*port=\"?(\\d+)");
  private static final int IDS = 1000;

  private SoakBenchmark() {}

  static void run(List<String> args) throws Exception {
    int minutes = 30;
    int sampleSeconds = 30;
    for (int i = 0; i + 1 < args.size(); i += 2) {
      int v = Integer.parseInt(args.get(i + 1));
      switch (args.get(i)) {
        case "--minutes" -> minutes = v;
        case "--sample-seconds" -> sampleSeconds = v;
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    int m = minutes;
    int s = sampleSeconds;
    Cleanup.around(cleanup -> run(cleanup, Duration.ofMinutes(m), Duration.ofSeconds(s)));
  }

  private record Sample(double atSeconds, double liveHeapMib, double threads, long operations) {}

  private static void run(Cleanup cleanup, Duration length, Duration every) throws Exception {
    Path tmp = cleanup.tempDirectory("cairn-soak-");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    ServerProcess server = ServerProcess.ready(cleanup, tmp, "cairn.log", http);
    int dnsPort = server.loggedPort(ServerProcess.DNS_PORT);
    int xdsPort = server.loggedPort(XDS_PORT);
    System.out.printf(
        "soak: %d min of registration churn, health reads, DNS queries and xDS streams; a full GC"
            + " and a sample every %d s; %d cores, JDK %s%n",
        length.toMinutes(),
        every.toSeconds(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());

    // Every instance first, so the registry's size is steady and growth can only be a leak.
    List<Thread> loaders = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int first = t;
      loaders.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    Random r = new Random(first);
                    for (int i = first; i < IDS; i += 8) {
                      count(
                          http,
                          registration(server.base(), "soak-" + i, r),
                          new AtomicLong(),
                          new AtomicLong());
                    }
                  }));
    }
    for (Thread t : loaders) {
      t.join();
    }

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong operations = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Thread> load = new ArrayList<>();
    String base = server.base();
    // Churn: register and deregister instances of one service, about 200 writes/s.
    load.add(
        Thread.ofVirtual()
            .start(
                paced(
                    stop,
                    5,
                    new Random(1),
                    r -> {
                      String id = "soak-" + r.nextInt(IDS);
                      if (r.nextInt(4) == 0) {
                        // Deregistering an absent instance is a 404: expected here, not an error.
                        HttpResponse<Void> res =
                            http.send(
                                HttpRequest.newBuilder(
                                        URI.create(base + "/v1/agent/service/deregister/" + id))
                                    .PUT(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                                HttpResponse.BodyHandlers.discarding());
                        (res.statusCode() == 200 || res.statusCode() == 404 ? operations : errors)
                            .incrementAndGet();
                      } else {
                        count(http, registration(base, id, r), operations, errors);
                      }
                    })));
    // Health reads, about 400/s.
    for (int t = 0; t < 2; t++) {
      load.add(
          Thread.ofVirtual()
              .start(
                  paced(
                      stop,
                      5,
                      new Random(10 + t),
                      r ->
                          count(
                              http,
                              HttpRequest.newBuilder(
                                      URI.create(base + "/v1/health/service/soak?passing"))
                                  .build(),
                              operations,
                              errors))));
    }
    // DNS, about 200 queries/s.
    load.add(
        Thread.ofVirtual()
            .start(
                paced(
                    stop,
                    5,
                    new Random(20),
                    r -> {
                      try {
                        DnsProbe.ask(dnsPort, "soak.service.cairn.", Type.SRV);
                        operations.incrementAndGet();
                      } catch (Exception e) {
                        errors.incrementAndGet();
                      }
                    })));
    // xDS: 20 streams watching soak's endpoints; one connection replaced every few seconds.
    load.add(Thread.ofVirtual().start(() -> xds(stop, xdsPort)));

    List<Sample> samples = new ArrayList<>();
    long started = System.nanoTime();
    long end = started + length.toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(every.toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      samples.add(sample(server, http, (System.nanoTime() - started) / 1e9, operations.get()));
      Sample last = samples.getLast();
      System.out.printf(
          "t=%5.0f s: live heap %.1f MiB, %.0f threads, %d operations, %d errors%n",
          last.atSeconds(), last.liveHeapMib(), last.threads(), last.operations(), errors.get());
    }
    stop.set(true);
    for (Thread t : load) {
      t.join(10_000);
    }
    verdict(samples, errors.get(), server.residentMib());
  }

  private static void verdict(List<Sample> samples, long errors, double rss) {
    if (samples.size() < 4) {
      System.out.println("soak: too few samples for a trend; run longer");
      return;
    }
    // The first fifth warms up (JIT, pools, caches); compare the next third with the last third.
    List<Sample> settled = samples.subList(Math.max(1, samples.size() / 5), samples.size());
    int third = Math.max(1, settled.size() / 3);
    double heapStart = mean(settled.subList(0, third), Sample::liveHeapMib);
    double heapEnd =
        mean(settled.subList(settled.size() - third, settled.size()), Sample::liveHeapMib);
    double threadsStart = mean(settled.subList(0, third), Sample::threads);
    double threadsEnd =
        mean(settled.subList(settled.size() - third, settled.size()), Sample::threads);
    double growth = (heapEnd - heapStart) / heapStart * 100;
    double seconds = samples.getLast().atSeconds();
    boolean flat = growth < 10 && threadsEnd - threadsStart <= 5;
    System.out.printf(
        "soak: %.0f operations/s for %.0f s, %d errors; live heap %.1f -> %.1f MiB (%+.1f%%),"
            + " threads %.0f -> %.0f, RSS %.0f MiB: %s%n",
        samples.getLast().operations() / seconds,
        seconds,
        errors,
        heapStart,
        heapEnd,
        growth,
        threadsStart,
        threadsEnd,
        rss,
        flat ? "no growth trend" : "GROWTH (look for a leak)");
  }

  private static double mean(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
    return samples.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  /** A full GC in the server, then its heap in use (the live set) and its thread count. */
  private static Sample sample(ServerProcess server, HttpClient http, double at, long ops)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path jcmd = Path.of(java).resolveSibling("jcmd");
    Process gc =
        new ProcessBuilder(jcmd.toString(), Long.toString(server.pid()), "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!gc.waitFor(60, TimeUnit.SECONDS)) {
      gc.destroyForcibly();
    }
    double heap = 0;
    for (String line : server.samples(http)) {
      // After a full GC every live object is in the old generation; young space fills again
      // at once with the load's garbage, so it is left out.
      if (line.startsWith("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"}")) {
        heap += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    Map<String, Double> all = server.scrape(http);
    return new Sample(
        at, heap / (1024 * 1024), all.getOrDefault("jvm_threads_live_threads", Double.NaN), ops);
  }

  private interface Step {
    void run(Random random) throws Exception;
  }

  /** Runs {@code step} every {@code millis} ms until {@code stop}; failures are the step's own. */
  private static Runnable paced(AtomicBoolean stop, long millis, Random random, Step step) {
    return () -> {
      while (!stop.get()) {
        try {
          step.run(random);
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // counted by the step
        }
      }
    };
  }

  private static HttpRequest registration(String base, String id, Random r) {
    return HttpRequest.newBuilder(URI.create(base + "/v1/agent/service/register"))
        .PUT(
            HttpRequest.BodyPublishers.ofString(
                """
                {"ID":"%s","Name":"soak","Address":"10.9.%d.%d","Port":8080,"Meta":{"n":"%d"}}"""
                    .formatted(id, r.nextInt(200), r.nextInt(250) + 1, r.nextInt())))
        .build();
  }

  private static void count(
      HttpClient http, HttpRequest request, AtomicLong operations, AtomicLong errors) {
    try {
      HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() == 200) {
        operations.incrementAndGet();
      } else {
        errors.incrementAndGet();
      }
    } catch (Exception e) {
      errors.incrementAndGet();
    }
  }

  private static void xds(AtomicBoolean stop, int port) {
    List<ManagedChannel> channels = new ArrayList<>();
    int next = 0;
    try {
      while (!stop.get()) {
        ManagedChannel ch =
            Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
                .build();
        AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub =
            AggregatedDiscoveryServiceGrpc.newStub(ch);
        for (int i = 0; i < 4; i++) {
          XdsFanoutBenchmark.sotw(
              stub,
              Node.newBuilder().setId("soak-" + next + "-" + i).build(),
              new XdsFanoutBenchmark.Watcher(),
              "soak");
        }
        channels.add(ch);
        next++;
        if (channels.size() > 5) {
          channels.removeFirst().shutdownNow();
        }
        Thread.sleep(3000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }
}
