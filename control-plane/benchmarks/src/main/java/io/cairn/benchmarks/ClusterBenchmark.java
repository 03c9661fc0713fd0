package io.cairn.benchmarks;

import io.cairn.testfixtures.etcd.LocalEtcd;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cairn as a cluster ({@code bin/bench cluster}): three packaged replicas with {@code --store etcd}
 * on a real three-member etcd on loopback, all on this machine.
 *
 * <ol>
 *   <li>Registration throughput over HTTP, writers spread over the replicas, each waiting for its
 *       acknowledgement. Peer in the same run: the same writers against one Cairn on the embedded
 *       store. References: plain etcd puts through jetcd from as many threads (etcd's own ceiling
 *       here), and in full mode the same writers all on one replica (no commit conflicts between
 *       replicas).
 *   <li>Propagation: an instance registered on replica A, and the delay from A's HTTP 200 to a
 *       blocking query on B returning it and to an xDS push to C holding it. Target: p99 under 200
 *       ms.
 * </ol>
 *
 * <p>Registrations carry no health check: a TTL check would expire during a long run and turn into
 * writes of its own, and check ownership is not what this measures.
 */
final class ClusterBenchmark {
  private static final int REPLICAS = 3;
  private static final int ETCD_MEMBERS = 3;
  private static final double TARGET_MS = 200;
  private static final String CONFLICTS = "cairn_store_commit_conflicts_total";
  private static final String ROW = "%-8s %-38s %9s %9s %9s %8s %7s%n";

  /** What to run; {@code --quick} shrinks every part to finish well within a minute. */
  record Options(
      int seconds,
      int warmupSeconds,
      List<Integer> writers,
      int samples,
      int warmupSamples,
      boolean etcdPuts,
      boolean oneReplicaRow) {
    static Options parse(List<String> args) {
      boolean quick = args.contains("--quick");
      int seconds = quick ? 3 : 10;
      int warmup = quick ? 1 : 3;
      List<Integer> writers = quick ? List.of(64) : List.of(64, 1);
      int samples = quick ? 30 : 200;
      int warmupSamples = quick ? 10 : 30;
      List<String> rest = new ArrayList<>(args);
      rest.remove("--quick");
      boolean etcdPuts = !rest.remove("--no-etcd-puts");
      for (Map.Entry<String, String> p : BenchOptions.pairs(rest)) {
        switch (p.getKey()) {
          case "--seconds" -> seconds = Integer.parseInt(p.getValue());
          case "--warmup" -> warmup = Integer.parseInt(p.getValue());
          case "--writers" ->
              writers =
                  Arrays.stream(p.getValue().split(","))
                      .map(String::strip)
                      .map(Integer::valueOf)
                      .toList();
          case "--samples" -> samples = Integer.parseInt(p.getValue());
          case "--warmup-samples" -> warmupSamples = Integer.parseInt(p.getValue());
          default -> throw new IllegalArgumentException("unknown option " + p.getKey());
        }
      }
      return new Options(seconds, warmup, writers, samples, warmupSamples, etcdPuts, !quick);
    }
  }

  /** Per writer count: the three replicas, the embedded peer, and etcd's puts if run. */
  private record Throughput(
      Map<Integer, HttpWriters.Result> cluster,
      Map<Integer, HttpWriters.Result> embedded,
      Map<Integer, LoadRun.Result> etcdPuts) {}

  private ClusterBenchmark() {}

  static void run(List<String> args) throws Exception {
    Options options = Options.parse(args);
    Cleanup.around(cleanup -> run(options, cleanup));
  }

  private static void run(Options o, Cleanup cleanup) throws Exception {
    long started = System.nanoTime();
    System.out.printf(
        "cluster on etcd: %d etcd members and %d Cairn replicas (--store etcd) on loopback, %d"
            + " cores, JDK %s%n",
        ETCD_MEMBERS, REPLICAS, Runtime.getRuntime().availableProcessors(), Runtime.version());
    System.out.printf(
        "%nregistrations over HTTP (PUT /v1/agent/service/register, unique ids, no check), each"
            + " writer on its own kept-alive connection waiting for its acknowledgement, writer w"
            + " on replica w mod %d; warm-up %ds, measure %ds%n",
        REPLICAS, o.warmupSeconds(), o.seconds());
    System.out.printf(
        ROW, "writers", "system", "writes/s", "p50 ms", "p99 ms", "refused", "others");
    Path tmp = cleanup.tempDirectory("cairn-cluster-");
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    // The peer first, alone on the machine; then etcd, then the replicas on it.
    Map<Integer, HttpWriters.Result> embedded = embeddedPeer(cleanup, tmp, http, o);
    LocalEtcd etcd = LocalEtcd.start(ETCD_MEMBERS, tmp.resolve("etcd"));
    cleanup.add(etcd::close);
    Map<Integer, LoadRun.Result> puts = o.etcdPuts() ? etcdPuts(etcd, o) : Map.of();
    List<ServerProcess> replicas = startReplicas(cleanup, tmp, etcd, http);
    Map<Integer, HttpWriters.Result> cluster = clusterWriters(replicas, http, o);

    System.out.printf(
        "%npropagation: one instance of '%s' registered on replica A at a time; delay from A's HTTP"
            + " 200 to (a) B's blocking query (GET /v1/health/service/%s?index=N, in flight"
            + " before the write) returning it, (b) an ADS stream on C (proxyless, SotW, ACKing"
            + " every response) receiving its endpoint; then deregistered; %d samples after %d"
            + " warm-up samples%n",
        Propagation.SERVICE, Propagation.SERVICE, o.samples(), o.warmupSamples());
    Propagation.Samples samples = propagation(replicas, http, o);

    System.out.println();
    warnings(replicas);
    System.out.printf(
        "load average at the end: %s; whole run %.0f s%n",
        Host.loadAverage(), (System.nanoTime() - started) / 1e9);
    System.out.println(
        "others = cores' worth of CPU used by processes outside this benchmark (its servers, etcd"
            + " members and driver excluded) while measuring");
    summary(o, new Throughput(cluster, embedded, puts), samples);
  }

  private static Map<Integer, HttpWriters.Result> embeddedPeer(
      Cleanup cleanup, Path tmp, HttpClient http, Options o) throws Exception {
    Map<Integer, HttpWriters.Result> results = new LinkedHashMap<>();
    ServerProcess single =
        ServerProcess.started(cleanup, tmp.resolve("embedded"), "cairn.log", List.of());
    single.awaitReady(http, Duration.ofSeconds(60));
    for (int writers : o.writers()) {
      HttpWriters.Result r =
          HttpWriters.run(
              List.of(single.httpAddress()), "emb", writers, o.warmupSeconds(), o.seconds());
      results.put(writers, r);
      print("cairn, embedded store (1 server)", r);
    }
    // Off the machine before etcd and the replicas start.
    single.stop(Duration.ofSeconds(30));
    return results;
  }

  private static Map<Integer, LoadRun.Result> etcdPuts(LocalEtcd etcd, Options o) throws Exception {
    Map<Integer, LoadRun.Result> results = new LinkedHashMap<>();
    for (int writers : o.writers()) {
      // LoadRun does not expose its window: this covers the warm-up as well.
      OtherCpu cpu = OtherCpu.now();
      ProcessCpu own = ProcessCpu.now();
      LoadRun.Result r = EtcdPuts.run(etcd.endpoints(), writers, o.warmupSeconds(), o.seconds());
      String ownCpu = ProcessCpu.since(own);
      results.put(writers, r);
      System.out.printf(
          ROW,
          writers,
          "etcd puts (jetcd, 320-byte values)",
          "%.0f".formatted(r.perSecond()),
          "%.2f".formatted(r.p50Ms()),
          "%.2f".formatted(r.p99Ms()),
          "-",
          OtherCpu.format(OtherCpu.since(cpu)));
      System.out.println("         (CPU, warm-up included: " + ownCpu + ")");
    }
    return results;
  }

  private static List<ServerProcess> startReplicas(
      Cleanup cleanup, Path tmp, LocalEtcd etcd, HttpClient http) throws Exception {
    List<ServerProcess> replicas = new ArrayList<>();
    for (int i = 0; i < REPLICAS; i++) {
      String name = "cairn-" + (char) ('a' + i);
      replicas.add(
          ServerProcess.started(
              cleanup,
              tmp.resolve(name),
              "cairn.log",
              List.of(
                  "--store",
                  "etcd",
                  "--etcd-endpoints",
                  etcd.endpointsCsv(),
                  "--etcd-member-ttl",
                  "2s",
                  "--node-name",
                  name)));
    }
    // Started side by side; each is ready once it has loaded the registry from etcd.
    for (ServerProcess r : replicas) {
      r.awaitReady(http, Duration.ofSeconds(90));
    }
    return replicas;
  }

  private static Map<Integer, HttpWriters.Result> clusterWriters(
      List<ServerProcess> replicas, HttpClient http, Options o) throws Exception {
    List<InetSocketAddress> all = replicas.stream().map(ServerProcess::httpAddress).toList();
    Map<Integer, HttpWriters.Result> results = new LinkedHashMap<>();
    for (int writers : o.writers()) {
      List<Map<String, Double>> before = scrape(replicas, http);
      HttpWriters.Result r = HttpWriters.run(all, "etcd", writers, o.warmupSeconds(), o.seconds());
      results.put(writers, r);
      print("cairn on etcd, " + REPLICAS + " replicas", r);
      printCommits(before, scrape(replicas, http));
      if (o.oneReplicaRow() && writers > 1) {
        // The same writers on replica A alone: what the conflicts between replicas cost.
        before = scrape(replicas, http);
        HttpWriters.Result one =
            HttpWriters.run(all.subList(0, 1), "etcd1", writers, o.warmupSeconds(), o.seconds());
        print("cairn on etcd, all writers on replica A", one);
        printCommits(before, scrape(replicas, http));
      }
    }
    return results;
  }

  private static Propagation.Samples propagation(
      List<ServerProcess> replicas, HttpClient http, Options o) throws Exception {
    String a = replicas.get(0).base();
    String b = replicas.get(1).base();
    int xdsPort = replicas.get(2).loggedPort(ServerProcess.XDS_PORT);
    // One instance that stays, so the service and its assignment exist between samples.
    try (Http1Connection onA = new Http1Connection(replicas.get(0).httpAddress())) {
      String anchor =
          """
          {"ID":"%s-anchor","Name":"%s","Address":"10.9.255.1","Port":8080}"""
              .formatted(Propagation.SERVICE, Propagation.SERVICE);
      Http1Connection.Response r =
          onA.exchange(
              "PUT", "/v1/agent/service/register", anchor.getBytes(StandardCharsets.UTF_8));
      if (r.status() != 200) {
        throw new IllegalStateException("register the anchor instance: " + r.status());
      }
    }
    try (EdsWatch c = new EdsWatch(xdsPort, "cluster-bench-c", Propagation.SERVICE);
        Propagation run = new Propagation(http, a, b, c)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (c.responses() == 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no first EDS response from replica C");
        }
        Thread.sleep(5);
      }
      Propagation.Samples s = run.run(o.warmupSamples(), o.samples());
      System.out.printf(
          "registration on A, HTTP round trip:  %s%n", Propagation.quantiles(s.write()));
      System.out.printf(
          "A's 200 -> B's blocking query has it: %s%n", Propagation.quantiles(s.blockingQuery()));
      System.out.printf(
          "A's 200 -> xDS push to C has it:      %s%n", Propagation.quantiles(s.xds()));
      System.out.printf(
          "(EDS responses on C's stream, warm-up included: %d; negative delays: B answered before"
              + " A's 200 reached the driver)%n",
          c.responses());
      return s;
    }
  }

  private static void summary(Options o, Throughput t, Propagation.Samples samples) {
    for (int writers : o.writers()) {
      HttpWriters.Result c = t.cluster().get(writers);
      HttpWriters.Result e = t.embedded().get(writers);
      LoadRun.Result p = t.etcdPuts().get(writers);
      System.out.printf(
          "registrations, %d writers: etcd cluster %.0f/s (p50 %.2f ms, p99 %.2f ms, %d"
              + " refused), embedded %.0f/s (p50 %.2f ms, p99 %.2f ms), ratio etcd/embedded"
              + " %.2fx%s%n",
          writers,
          c.perSecond(),
          c.p50Ms(),
          c.p99Ms(),
          c.refused(),
          e.perSecond(),
          e.p50Ms(),
          e.p99Ms(),
          c.perSecond() / e.perSecond(),
          p == null ? "" : "; raw etcd puts %.0f/s".formatted(p.perSecond()));
    }
    verdict("blocking query on B", samples.blockingQuery());
    verdict("xDS EDS push on C", samples.xds());
  }

  private static void verdict(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double p99 = LatencyRecorder.quantileMillis(sorted, 0.99);
    System.out.printf(
        "propagation, %s: %s (%d samples); target 200 ms (p99): %s%n",
        what, Propagation.quantiles(nanos), nanos.length, p99 < TARGET_MS ? "met" : "missed");
  }

  private static void print(String system, HttpWriters.Result r) {
    System.out.printf(
        ROW,
        r.writers(),
        system,
        "%.0f".formatted(r.perSecond()),
        "%.2f".formatted(r.p50Ms()),
        "%.2f".formatted(r.p99Ms()),
        r.refused(),
        OtherCpu.format(r.otherCores()));
    System.out.println("         (CPU: " + r.ownCpu() + ")");
    if (r.refused() > 0) {
      System.out.println("         first refusal: " + r.firstRefusal());
    }
  }

  private static List<Map<String, Double>> scrape(List<ServerProcess> replicas, HttpClient http) {
    return replicas.stream().map(r -> r.scrape(http)).toList();
  }

  /**
   * Commits and conflicts over the replicas. Servers that count conflicts say so; for those that do
   * not, the commit timer counts every attempt and the batch summary only those that committed, so
   * the difference is the attempts lost to another replica.
   */
  private static void printCommits(
      List<Map<String, Double>> before, List<Map<String, Double>> after) {
    double attempts = 0;
    double commits = 0;
    double commands = 0;
    double conflicts = 0;
    for (int i = 0; i < before.size(); i++) {
      Map<String, Double> b = before.get(i);
      Map<String, Double> a = after.get(i);
      attempts += HttpBenchmark.delta(b, a, "cairn_store_commit_seconds_count");
      commits += HttpBenchmark.delta(b, a, "cairn_registry_batch_commands_count");
      commands += HttpBenchmark.delta(b, a, "cairn_registry_batch_commands_sum");
      conflicts +=
          a.containsKey(CONFLICTS)
              ? HttpBenchmark.delta(b, a, CONFLICTS)
              : HttpBenchmark.delta(b, a, "cairn_store_commit_seconds_count")
                  - HttpBenchmark.delta(b, a, "cairn_registry_batch_commands_count");
    }
    if (commits > 0) {
      System.out.printf(
          "         (warm-up included: %.0f etcd transactions committed, %.1f registrations each;"
              + " %.0f attempts (%.0f%%) lost to another replica's commit)%n",
          commits, commands / commits, conflicts, 100 * conflicts / attempts);
    }
  }

  /** Warnings and errors the replicas logged during the run: a count and the first few. */
  private static void warnings(List<ServerProcess> replicas) throws Exception {
    for (ServerProcess r : replicas) {
      List<String> lines =
          Files.readAllLines(r.log()).stream()
              .filter(l -> l.contains("WARN") || l.contains("ERROR"))
              .toList();
      System.out.printf(
          "%s: %d warnings or errors logged%n", r.log().getParent().getFileName(), lines.size());
      for (String l : lines.subList(0, Math.min(3, lines.size()))) {
        System.out.println("  " + (l.length() > 300 ? l.substring(0, 300) + "..." : l));
      }
    }
  }
}
