package io.cairn.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durability ({@code bin/bench durability}): the packaged server is killed with SIGKILL at a random
 * moment while {@code writers} HTTP clients register instances, then restarted on the same data,
 * {@code runs} times. After every restart each registration that got its HTTP 200, in this run or
 * any before, must be there, and the index must not have gone back. Exits non-zero on any loss.
 */
final class DurabilityBenchmark {
  private static final Pattern SERVICE_ID = Pattern.compile("\"ServiceID\":\"([^\"]+)\"");

  private DurabilityBenchmark() {}

  static void run(List<String> args) throws Exception {
    int runs = 10;
    int writers = 16;
    int minMs = 300;
    int maxMs = 2000;
    for (int i = 0; i + 1 < args.size(); i += 2) {
      int v = Integer.parseInt(args.get(i + 1));
      switch (args.get(i)) {
        case "--runs" -> runs = v;
        case "--writers" -> writers = v;
        case "--min-ms" -> minMs = v;
        case "--max-ms" -> maxMs = v;
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    int r = runs;
    int w = writers;
    int lo = minMs;
    int hi = Math.max(minMs + 1, maxMs);
    Cleanup.around(cleanup -> run(cleanup, r, w, lo, hi));
  }

  private static void run(Cleanup cleanup, int runs, int writers, int minMs, int maxMs)
      throws Exception {
    Path tmp = cleanup.tempDirectory("cairn-durability-");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Random random = new Random(42);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    long lastIndex = 0;
    long lost = 0;
    System.out.printf(
        "durability: %d runs of %d HTTP writers registering until SIGKILL after %d-%d ms, then a"
            + " restart on the same data; %d cores, JDK %s%n",
        runs, writers, minMs, maxMs, Runtime.getRuntime().availableProcessors(), Runtime.version());
    for (int run = 1; run <= runs; run++) {
      ServerProcess server =
          ServerProcess.start(
              ServerProcess.defaultJar(),
              tmp.resolve("data"),
              tmp.resolve("cairn-" + run + ".log"),
              List.of(),
              List.of());
      cleanup.add(() -> server.process().destroyForcibly());
      server.awaitReady(http, Duration.ofSeconds(60));

      // Everything acknowledged so far must have survived the previous SIGKILL.
      Check check = check(http, server.base(), acknowledged);
      lost += check.missing().size();
      if (check.index() < lastIndex) {
        throw new IllegalStateException(
            "index went back from " + lastIndex + " to " + check.index() + " after a restart");
      }
      if (run > 1) {
        System.out.printf(
            "run %d: after restart %d of %d acknowledged registrations present, %d lost, index %d%n",
            run - 1,
            acknowledged.size() - check.missing().size(),
            acknowledged.size(),
            check.missing().size(),
            check.index());
      }
      lastIndex = check.index();

      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> threads = new ArrayList<>();
      int thisRun = run;
      for (int c = 0; c < writers; c++) {
        int client = c;
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (int i = 0; !stop.get(); i++) {
                        String id = "r" + thisRun + "-c" + client + "-" + i;
                        if (register(http, server.base(), id)) {
                          acknowledged.add(id);
                        }
                      }
                    }));
      }
      Thread.sleep(minMs + random.nextInt(maxMs - minMs));
      server.process().destroyForcibly().waitFor();
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
    }
    ServerProcess last = ServerProcess.ready(cleanup, tmp, "cairn-final.log", http);
    Check check = check(http, last.base(), acknowledged);
    lost += check.missing().size();
    System.out.printf(
        "run %d: after restart %d of %d acknowledged registrations present, %d lost, index %d%n",
        runs,
        acknowledged.size() - check.missing().size(),
        acknowledged.size(),
        check.missing().size(),
        check.index());
    System.out.printf(
        "durability: %d SIGKILLs under write load, %d acknowledged registrations checked after"
            + " each restart, %d lost%n",
        runs, acknowledged.size(), lost);
    if (lost > 0) {
      throw new IllegalStateException(lost + " acknowledged registrations were lost");
    }
  }

  private record Check(Set<String> missing, long index) {}

  private static Check check(HttpClient http, String base, Set<String> acknowledged)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/catalog/service/durable"))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Set<String> present = new HashSet<>();
    Matcher m = SERVICE_ID.matcher(r.body());
    while (m.find()) {
      present.add(m.group(1));
    }
    Set<String> missing = new HashSet<>(acknowledged);
    missing.removeAll(present);
    long index = Long.parseLong(r.headers().firstValue("X-Consul-Index").orElse("0"));
    return new Check(missing, index);
  }

  private static boolean register(HttpClient http, String base, String id) {
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/agent/service/register"))
                  .timeout(Duration.ofSeconds(5))
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          """
                          {"ID":"%s","Name":"durable","Address":"127.0.0.1","Port":8080}"""
                              .formatted(id)))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (Exception e) {
      return false; // the server is gone: this one was never acknowledged
    }
  }
}
