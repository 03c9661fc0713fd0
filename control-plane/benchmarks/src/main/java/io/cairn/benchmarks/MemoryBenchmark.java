package io.cairn.benchmarks;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of the packaged server holding N instances with one TTL check each (issue 21: 100,000
 * under 512 MiB RSS). Registers them over HTTP on several kept-alive connections (the store is
 * exactly what operators' registrations leave), stops the server, then restarts it on that store
 * once with the default heap and once per {@code --server-jvm-option} value, and prints for each:
 * restore and start-up time from the server's log, its resident set (VmRSS, VmHWM) once ready and
 * after some reads, and its live heap after a full GC. No peer: Consul, the system this replaces,
 * is not installable here.
 */
final class MemoryBenchmark {
  private static final Pattern RESTORE_MS = Pattern.compile("restore-ms=\"?(\\d+)");
  private static final Pattern RESTORED_INSTANCES =
      Pattern.compile("registry restored.*instances=\"?(\\d+)");
  private static final Pattern STARTUP_MS = Pattern.compile("startup-ms=\"?(\\d+)");

  private record Options(
      int instances,
      int connections,
      int reads,
      int idleSeconds,
      Optional<Path> jar,
      List<String> configurations) {}

  private MemoryBenchmark() {}

  static void run(List<String> args) throws Exception {
    Options o = parse(args);
    Cleanup.around(cleanup -> measure(o, cleanup));
  }

  private static Options parse(List<String> args) {
    int instances = 100_000;
    int connections = 8;
    int reads = 300;
    int idleSeconds = 0;
    Optional<Path> jar = Optional.empty();
    List<String> configurations = new ArrayList<>();
    configurations.add("");
    for (Map.Entry<String, String> option : BenchOptions.pairs(args)) {
      String v = option.getValue();
      switch (option.getKey()) {
        case "--instances" -> instances = Integer.parseInt(v);
        case "--connections" -> connections = Integer.parseInt(v);
        case "--reads" -> reads = Integer.parseInt(v);
        case "--idle-seconds" -> idleSeconds = Integer.parseInt(v);
        case "--server-jar" -> jar = Optional.of(Path.of(v));
        case "--server-jvm-option" -> configurations.add(v);
        default -> throw new IllegalArgumentException("unknown option " + option.getKey());
      }
    }
    return new Options(
        instances, connections, reads, idleSeconds, jar, List.copyOf(configurations));
  }

  private static void measure(Options o, Cleanup cleanup) throws Exception {
    Path dir = cleanup.tempDirectory("cairn-memory-");
    Path data = dir.resolve("data");
    Path jar = o.jar().orElseGet(ServerProcess::defaultJar);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ServerProcess filler =
        ServerProcess.start(jar, data, dir.resolve("fill.log"), List.of(), List.of());
    cleanup.add(() -> filler.stop(Duration.ofSeconds(30)));
    filler.awaitReady(http, Duration.ofSeconds(60));
    long t0 = System.nanoTime();
    fill(filler.httpAddress(), o.instances(), o.connections());
    double fillSeconds = (System.nanoTime() - t0) / 1e9;
    filler.stop(Duration.ofSeconds(60));
    System.out.printf(
        "memory: %d instances x 1 TTL check registered over HTTP in %.1f s (%d connections);"
            + " %d cores, JDK %s%n",
        o.instances(),
        fillSeconds,
        o.connections(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());

    int n = 0;
    for (String configuration : o.configurations()) {
      List<String> jvm =
          configuration.isBlank() ? List.of() : List.of(configuration.trim().split("\\s+"));
      String label = jvm.isEmpty() ? "default heap" : String.join(" ", jvm);
      Path log = dir.resolve("server-" + n++ + ".log");
      ServerProcess server = ServerProcess.start(jar, data, log, jvm, List.of());
      cleanup.add(() -> server.stop(Duration.ofSeconds(30)));
      server.awaitReady(http, Duration.ofSeconds(180));
      String text = Files.readString(log);
      long restored = logged(text, RESTORED_INSTANCES, log);
      if (restored != o.instances()) {
        throw new IllegalStateException(
            "restored " + restored + " instances, registered " + o.instances());
      }
      double readyRss = server.residentMib();
      double readyPeak = server.peakResidentMib();
      read(server.httpAddress(), o.reads());
      double readRss = server.residentMib();
      double readPeak = server.peakResidentMib();
      String idle = "";
      if (o.idleSeconds() > 0) {
        // What the JVM returns on its own while nothing happens (G1's periodic collection, if on).
        Thread.sleep(o.idleSeconds() * 1000L);
        idle = ", after %d s idle %.0f MiB".formatted(o.idleSeconds(), server.residentMib());
      }
      Optional<ServerProcess.Heap> heap = server.heapAfterFullGc();
      double gcRss = server.residentMib();
      System.out.printf(
          "memory [%s]: restore %d ms, startup %d ms; RSS ready %.0f MiB (peak %.0f), after %d"
              + " reads %.0f MiB (peak %.0f)%s, after a full GC %.0f MiB; heap after a full GC:"
              + " %s%n",
          label,
          logged(text, RESTORE_MS, log),
          logged(text, STARTUP_MS, log),
          readyRss,
          readyPeak,
          o.reads(),
          readRss,
          readPeak,
          idle,
          gcRss,
          heap.map(ServerProcess.Heap::toString).orElse("unknown"));
      heap.ifPresent(
          h ->
              System.out.printf(
                  "memory [%s]: live heap per instance with its check %.2f KiB%n",
                  label, h.usedMib() * 1024.0 / o.instances()));
      server.stop(Duration.ofSeconds(60));
    }
  }

  private static long logged(String text, Pattern pattern, Path log) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no " + pattern + " in " + log);
    }
    return Long.parseLong(m.group(1));
  }

  /** The registration the figures were taken with: instance N of service svc-(N%1000). */
  static byte[] registration(int n) {
    return ("{\"ID\":\"inst-%d\",\"Name\":\"svc-%d\",\"Address\":\"10.%d.%d.%d\",\"Port\":8080,"
            + "\"Tags\":[\"v1\"],\"Meta\":{\"zone\":\"a\"},\"Check\":{\"CheckID\":\"inst-%d:ttl\","
            + "\"TTL\":\"1h\",\"Status\":\"passing\"}}")
        .formatted(n, n % 1000, n >> 16 & 255, n >> 8 & 255, n & 255, n)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Registers instances 0..count-1 on {@code connections} kept-alive connections. */
  private static void fill(InetSocketAddress server, int count, int connections)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      threads.add(
          Thread.ofPlatform()
              .name("fill-" + c)
              .start(
                  () -> {
                    try (Http1Connection conn = new Http1Connection(server)) {
                      for (int i = next.getAndIncrement();
                          i < count && failures.isEmpty();
                          i = next.getAndIncrement()) {
                        Http1Connection.Response r =
                            conn.exchange("PUT", "/v1/agent/service/register", registration(i));
                        if (r.status() != 200) {
                          throw new IllegalStateException(
                              "registration " + i + ": " + r.status() + " " + r.text());
                        }
                      }
                    } catch (Throwable t) {
                      failures.add(t);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("fill failed", failures.getFirst());
    }
  }

  /** Health reads of the services, as clients would make them, on one connection. */
  private static void read(InetSocketAddress server, int reads) throws Exception {
    try (Http1Connection conn = new Http1Connection(server)) {
      for (int i = 0; i < reads; i++) {
        Http1Connection.Response r =
            conn.exchange("GET", "/v1/health/service/svc-" + (i % 1000) + "?passing", new byte[0]);
        if (r.status() != 200) {
          throw new IllegalStateException("read: " + r.status() + " " + r.text());
        }
      }
    }
  }
}
