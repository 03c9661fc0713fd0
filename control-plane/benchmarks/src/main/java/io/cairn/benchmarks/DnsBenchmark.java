package io.cairn.benchmarks;

import io.cairn.benchmarks.DnsPeer.Instance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * DNS queries per second against the packaged server run as its own process ({@code bin/bench
 * dns}), and against NSD and Knot DNS serving the same names from a zone file on the same machine
 * in the same run, with the same dnsperf command and query file (A and SRV for every service,
 * shuffled). NSD must be installed; without Knot the run says so and goes on with NSD alone.
 *
 * <ol>
 *   <li>Registers {@code services x instances} over the admin API and waits until DNS answers.
 *   <li>Writes the equivalent zone, starts each peer, and checks it gives Cairn's answers.
 *   <li>Peak: dnsperf as fast as it goes ({@code -q} outstanding) after a warm-up, each server.
 *   <li>Latency: dnsperf at half of Cairn's peak ({@code -Q}), every reply's latency recorded
 *       ({@code -v}); p50, p99 and p99.9 for every server at that rate.
 *   <li>Cairn's peak against each peer's and the faster one's (target 1.2x), and its p99.9 at half
 *       of its peak (target under 1 ms).
 * </ol>
 *
 * Processes and temporary files are removed on exit, also on failure and on Ctrl-C.
 */
final class DnsBenchmark {
  /** Most CPU, in cores, other processes may use during a run that counts. */
  private static final double QUIET = 0.1;

  /** Cairn's peak against the faster peer's, at least. */
  private static final double TARGET_RATIO = 1.2;

  /** Cairn's p99.9 at half of its peak, in milliseconds, under. */
  private static final double TARGET_P999_MS = 1.0;

  private static final DnsPeer.Server NSD = NsdPeer.SERVER;
  private static final DnsPeer.Server KNOT = KnotPeer.SERVER;

  private DnsBenchmark() {}

  record Options(
      int services,
      int instances,
      int seconds,
      int warmupSeconds,
      int clients,
      int threads,
      int outstanding,
      int attempts,
      Optional<Path> serverJar,
      List<String> serverJvmOptions,
      List<String> serverOptions,
      Optional<String> dnsperf,
      Optional<String> nsd,
      Optional<String> knot) {
    static Options parse(List<String> args) {
      int services = 1000;
      int instances = 3;
      int seconds = 20;
      int warmup = 5;
      int clients = 4;
      int threads = 1;
      int outstanding = 200;
      int attempts = 3;
      Optional<Path> jar = Optional.empty();
      Optional<String> dnsperf = Optional.empty();
      Optional<String> nsd = Optional.empty();
      Optional<String> knot = Optional.empty();
      List<String> jvm = new ArrayList<>();
      List<String> server = new ArrayList<>();
      for (Map.Entry<String, String> option : BenchOptions.pairs(args)) {
        String v = option.getValue();
        switch (option.getKey()) {
          case "--services" -> services = Integer.parseInt(v);
          case "--instances" -> instances = Math.min(250, Integer.parseInt(v));
          case "--seconds" -> seconds = Integer.parseInt(v);
          case "--warmup" -> warmup = Integer.parseInt(v);
          case "--clients" -> clients = Integer.parseInt(v);
          case "--threads" -> threads = Integer.parseInt(v);
          case "--outstanding" -> outstanding = Integer.parseInt(v);
          case "--attempts" -> attempts = Math.max(1, Integer.parseInt(v));
          case "--server-jar" -> jar = Optional.of(Path.of(v));
          case "--server-jvm-option" -> jvm.add(v);
          case "--server-option" -> server.add(v);
          case "--dnsperf" -> dnsperf = Optional.of(v);
          case "--nsd" -> nsd = Optional.of(v);
          case "--knot" -> knot = Optional.of(v);
          default -> throw new IllegalArgumentException("unknown option " + option.getKey());
        }
      }
      return new Options(
          services,
          instances,
          seconds,
          warmup,
          clients,
          threads,
          outstanding,
          attempts,
          jar,
          List.copyOf(jvm),
          List.copyOf(server),
          dnsperf,
          nsd,
          knot);
    }
  }

  static void run(List<String> args) throws Exception {
    Options o = Options.parse(args);
    Cleanup.around(cleanup -> run(o, cleanup));
  }

  private static void run(Options o, Cleanup cleanup) throws Exception {
    Path jar = o.serverJar().orElseGet(ServerProcess::defaultJar);
    String dnsperf =
        Host.executable(o.dnsperf(), "dnsperf")
            .orElseThrow(() -> missing("dnsperf", "apt-get install -y dnsperf"));
    Map<DnsPeer.Server, String> programs = new LinkedHashMap<>();
    programs.put(NSD, program(NSD, o.nsd()).orElseThrow(() -> missing(NSD)));
    program(KNOT, o.knot()).ifPresent(knot -> programs.put(KNOT, knot));
    Path tmp = cleanup.tempDirectory("cairn-dns-bench-");
    cleanup.add(
        () -> Optional.ofNullable(Dnsperf.running.getAndSet(null)).ifPresent(Process::destroy));
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(
        "DNS: %d cores, JDK %s, %s, %s%n",
        cores,
        Runtime.version(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    StringBuilder versions = new StringBuilder("dnsperf " + Dnsperf.version(dnsperf));
    programs.forEach(
        (peer, program) ->
            versions.append(
                ", %s %s".formatted(peer.name(), Host.firstLine(program, peer.versionOption()))));
    System.out.printf(
        "%s; load generator and servers share this machine (load average %s)%n",
        versions, Host.loadAverage());
    if (!programs.containsKey(KNOT)) {
      System.out.println(
          "knot is not installed: no second peer, NSD alone (Debian/Ubuntu: apt-get install -y"
              + " knot)");
    }

    // 1. Cairn, as an operator runs it, with the catalog registered over its admin API.
    Path log = tmp.resolve("cairn.log");
    ServerProcess server =
        ServerProcess.start(jar, tmp.resolve("data"), log, o.serverJvmOptions(), o.serverOptions());
    cleanup.add(() -> server.stop(Duration.ofSeconds(30)));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    server.awaitReady(client, Duration.ofSeconds(60));
    int cairnPort = server.loggedPort(ServerProcess.DNS_PORT);
    String base = server.base();
    List<Instance> instances = catalog(o);
    long t0 = System.nanoTime();
    register(client, base, instances);
    String last = instances.getLast().service() + ".service.cairn.";
    DnsProbe.awaitAnswers(cairnPort, last, o.instances());
    System.out.printf(
        "cairn pid %d, DNS on 127.0.0.1:%d: %d services x %d instances registered over HTTP and"
            + " answering in %.1f s%n",
        server.pid(), cairnPort, o.services(), o.instances(), (System.nanoTime() - t0) / 1e9);

    // 2. The peers with the same names.
    List<DnsPeer> peers = new ArrayList<>();
    for (Map.Entry<DnsPeer.Server, String> program : programs.entrySet()) {
      DnsPeer.Server kind = program.getKey();
      DnsPeer peer =
          DnsPeer.start(
              kind,
              program.getValue(),
              tmp.resolve(kind.name()),
              Host.freePort(),
              cores,
              instances);
      cleanup.add(peer);
      try {
        DnsProbe.awaitAnswers(peer.port(), last, o.instances());
      } catch (IllegalStateException e) {
        throw new IllegalStateException(e.getMessage() + "; its output:\n" + peer.log(), e);
      }
      DnsProbe.sameAnswers(cairnPort, peer, instances, o.services(), o.instances());
      System.out.printf(
          "%s pid %d on 127.0.0.1:%d (%s) gives the same A, SRV and additional records%n",
          peer.name(), peer.process().pid(), peer.port(), cores + " " + kind.workers());
      peers.add(peer);
    }

    // 3. Peak queries per second, the same dnsperf command for every server.
    Path queries = tmp.resolve("queries.txt");
    Files.write(queries, queryLines(instances));
    Dnsperf perf = new Dnsperf(dnsperf, queries, o.clients(), o.threads(), o.outstanding());
    System.out.printf(
        "%npeak: %s%n(after a %d s warm-up run of each; %d queries in the file, A and SRV)%n",
        String.join(" ", perf.command(0, o.seconds(), 0, false)).replace(" -p 0 ", " -p PORT "),
        o.warmupSeconds(),
        2 * o.services());
    header();
    Dnsperf.Result cairnPeak =
        quietest("cairn", o, () -> peak(perf, server.pid(), cairnPort, o, tmp));
    Map<String, Dnsperf.Result> peerPeaks = new LinkedHashMap<>();
    for (DnsPeer peer : peers) {
      peerPeaks.put(
          peer.name(),
          quietest(peer.name(), o, () -> peak(perf, peer.process().pid(), peer.port(), o, tmp)));
    }

    // 4. Latency at half of Cairn's peak.
    int half = (int) (cairnPeak.qps() / 2);
    System.out.printf(
        "%nlatency at half of cairn's peak: %s%n",
        String.join(" ", perf.command(0, o.seconds(), half, true)).replace(" -p 0 ", " -p PORT "));
    header();
    Path verbose = tmp.resolve("verbose.out");
    Dnsperf.Result cairnHalf =
        quietest(
            "cairn", o, () -> perf.run(server.pid(), cairnPort, o.seconds(), half, true, verbose));
    Map<String, Dnsperf.Result> peerHalves = new LinkedHashMap<>();
    for (DnsPeer peer : peers) {
      peerHalves.put(
          peer.name(),
          quietest(
              peer.name(),
              o,
              () -> perf.run(peer.process().pid(), peer.port(), o.seconds(), half, true, verbose)));
    }

    System.out.printf("%nload average at the end: %s%n", Host.loadAverage());
    System.out.printf(
        "others = cores' worth of CPU used by processes outside this benchmark while measuring;"
            + " a run with others > %.1f is repeated (up to %d attempts) and the quietest counts%n",
        QUIET, o.attempts());
    System.out.println(
        "server = cores' worth of CPU the answering server (with its child processes) used; dnsperf"
            + " shares the machine, so per server core says what a server costs whatever bounds the"
            + " rate");
    summary(cairnPeak, peerPeaks, half, cairnHalf, peerHalves).forEach(System.out::println);
  }

  /**
   * The headline: every server's peak, Cairn's ratio to each peer (by name) and to the faster one,
   * and the latencies at half of Cairn's peak ({@code half} qps).
   */
  static List<String> summary(
      Dnsperf.Result cairnPeak,
      Map<String, Dnsperf.Result> peerPeaks,
      int half,
      Dnsperf.Result cairnHalf,
      Map<String, Dnsperf.Result> peerHalves) {
    StringBuilder peak = new StringBuilder("peak:    cairn=%.0f qps".formatted(cairnPeak.qps()));
    StringBuilder ratio = new StringBuilder("ratio:  ");
    peerPeaks.forEach(
        (peer, r) -> {
          peak.append("  %s=%.0f qps".formatted(peer, r.qps()));
          ratio.append(" cairn/%s=%.2fx ".formatted(peer, cairnPeak.qps() / r.qps()));
        });
    Map.Entry<String, Dnsperf.Result> faster =
        peerPeaks.entrySet().stream()
            .max(Comparator.comparingDouble(e -> e.getValue().qps()))
            .orElseThrow();
    ratio.append(
        " cairn/faster (%s)=%.2fx (target >= %.1fx)"
            .formatted(faster.getKey(), cairnPeak.qps() / faster.getValue().qps(), TARGET_RATIO));
    StringBuilder latency =
        new StringBuilder(
            "at %d qps: cairn p99=%.3f ms p99.9=%.3f ms (target p99.9 < %.0f ms)"
                .formatted(half, cairnHalf.p99(), cairnHalf.p999(), TARGET_P999_MS));
    peerHalves.forEach(
        (peer, r) ->
            latency.append("; %s p99=%.3f ms p99.9=%.3f ms".formatted(peer, r.p99(), r.p999())));
    StringBuilder perCore =
        new StringBuilder(
            "per server core: cairn=%.0f qps".formatted(cairnPeak.qpsPerServerCore()));
    peerPeaks.forEach(
        (peer, r) -> perCore.append("  %s=%.0f qps".formatted(peer, r.qpsPerServerCore())));
    Map.Entry<String, Dnsperf.Result> cheaper =
        peerPeaks.entrySet().stream()
            .max(Comparator.comparingDouble(e -> e.getValue().qpsPerServerCore()))
            .orElseThrow();
    perCore.append(
        "  cairn/best (%s)=%.2fx"
            .formatted(
                cheaper.getKey(),
                cairnPeak.qpsPerServerCore() / cheaper.getValue().qpsPerServerCore()));
    StringBuilder cpu =
        new StringBuilder("cpu at %d qps: cairn=%.2f".formatted(half, cairnHalf.serverCores()));
    peerHalves.forEach((peer, r) -> cpu.append(" %s=%.2f".formatted(peer, r.serverCores())));
    Map.Entry<String, Dnsperf.Result> leaner =
        peerHalves.entrySet().stream()
            .min(Comparator.comparingDouble(e -> e.getValue().serverCores()))
            .orElseThrow();
    cpu.append(
        " cores  cairn/leanest (%s)=%.2fx"
            .formatted(leaner.getKey(), cairnHalf.serverCores() / leaner.getValue().serverCores()));
    return List.of(
        peak.toString(), ratio.toString(), perCore.toString(), latency.toString(), cpu.toString());
  }

  private static Dnsperf.Result peak(Dnsperf perf, long pid, int port, Options o, Path tmp)
      throws Exception {
    Path out = tmp.resolve("peak.out");
    if (o.warmupSeconds() > 0) {
      perf.run(pid, port, o.warmupSeconds(), 0, false, out);
    }
    return perf.run(pid, port, o.seconds(), 0, false, out);
  }

  interface Measurement {
    Dnsperf.Result run() throws Exception;
  }

  /**
   * Runs {@code m} until other processes stayed under {@link #QUIET} or the attempts are used up;
   * prints every attempt and returns the quietest. On a shared machine, other work in the window
   * moves the tail latency by milliseconds.
   */
  private static Dnsperf.Result quietest(String server, Options o, Measurement m) throws Exception {
    Dnsperf.Result best = m.run();
    print(server, best);
    for (int attempt = 2; attempt <= o.attempts() && !(best.otherCores() <= QUIET); attempt++) {
      Dnsperf.Result again = m.run();
      print(server + " #" + attempt, again);
      if (Double.isNaN(best.otherCores()) || again.otherCores() < best.otherCores()) {
        best = again;
      }
    }
    return best;
  }

  private static void header() {
    System.out.printf(
        "%-9s %11s %10s %8s %9s %9s %9s %9s %7s %7s  %s%n",
        "server",
        "qps",
        "sent",
        "lost",
        "avg ms",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "server",
        "others",
        "rcodes");
  }

  private static void print(String server, Dnsperf.Result r) {
    System.out.printf(
        "%-9s %11.0f %10d %8d %9.3f %9.3f %9.3f %9.3f %7s %7s  %s%n",
        server,
        r.qps(),
        r.sent(),
        r.lost(),
        r.averageMs(),
        r.p50(),
        r.p99(),
        r.p999(),
        OtherCpu.format(r.serverCores()),
        OtherCpu.format(r.otherCores()),
        r.rcodes());
  }

  /** svc-S has instances 10.(S / 250).(S % 250).(K + 1), port 8080 + K: every address unique. */
  private static List<Instance> catalog(Options o) {
    List<Instance> all = new ArrayList<>();
    for (int s = 0; s < o.services(); s++) {
      for (int k = 0; k < o.instances(); k++) {
        byte[] ip = {10, (byte) (s / 250), (byte) (s % 250), (byte) (k + 1)};
        all.add(new Instance("svc-" + s, ip, 8080 + k));
      }
    }
    return all;
  }

  private static List<String> queryLines(List<Instance> instances) {
    List<String> lines = new ArrayList<>();
    for (Instance i : instances) {
      if (i.port() == 8080) {
        lines.add(i.service() + ".service.cairn A");
        lines.add(i.service() + ".service.cairn SRV");
      }
    }
    Collections.shuffle(lines, new Random(1));
    return lines;
  }

  /** Registers every instance over HTTP, 64 requests in flight on virtual threads. */
  private static void register(HttpClient http, String base, List<Instance> instances)
      throws Exception {
    Semaphore inFlight = new Semaphore(64);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Instance i : instances) {
        inFlight.acquire();
        pool.execute(
            () -> {
              try {
                String body =
                    "{\"ID\":\"%s-%d\",\"Name\":\"%s\",\"Address\":\"%s\",\"Port\":%d}"
                        .formatted(i.service(), i.port(), i.service(), i.dotted(), i.port());
                HttpResponse<String> r =
                    http.send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/agent/service/register"))
                            .PUT(HttpRequest.BodyPublishers.ofString(body))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                  throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                }
              } catch (Throwable t) {
                failure.compareAndSet(null, t);
              } finally {
                inFlight.release();
              }
            });
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("registering the catalog failed", failure.get());
    }
  }

  /**
   * {@code peer}'s program: the one given with its option (an error when that is not executable),
   * else the one on PATH, if any.
   */
  private static Optional<String> program(DnsPeer.Server peer, Optional<String> given) {
    Optional<String> found = Host.executable(given, peer.program());
    if (given.isPresent() && found.isEmpty()) {
      throw new IllegalArgumentException(
          "--" + peer.name() + " " + given.get() + " is not an executable");
    }
    return found;
  }

  private static IllegalStateException missing(DnsPeer.Server peer) {
    return missing(peer.name(), "apt-get install -y " + peer.name());
  }

  private static IllegalStateException missing(String program, String install) {
    return new IllegalStateException(
        program + " is not installed (Debian/Ubuntu: " + install + ")");
  }
}
