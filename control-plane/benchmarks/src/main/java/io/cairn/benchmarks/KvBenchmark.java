package io.cairn.benchmarks;

import io.cairn.testfixtures.etcd.LocalEtcd;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Consul's KV API against etcd ({@code bin/bench kv}): the packaged server on its embedded store
 * and a single-member etcd (fsync on, data directory in the same temporary directory) on loopback,
 * in one invocation.
 *
 * <ol>
 *   <li>Puts: N clients, each waiting for its acknowledgement before the next put, values of the
 *       same size; Cairn over HTTP ({@code PUT /v1/kv/<key>}, one kept-alive HTTP/1.1 connection
 *       per client), etcd through jetcd (one client, as the cluster benchmark's raw puts).
 *   <li>Fan-out: W watchers on one prefix, then one put under it; per watcher the delay from the
 *       put's acknowledgement to the watcher having the change. Cairn: W blocking queries ({@code
 *       GET /v1/kv/fan/?recurse&index=N&wait=5m}, each on its own HTTP/1.1 connection), re-issued
 *       every round with the index each got back; etcd: W prefix watches on one jetcd client, kept
 *       open. Rounds alternate between the two systems.
 * </ol>
 */
final class KvBenchmark {
  static final String PUT_PREFIX = "bench/put/";
  static final String FAN_PREFIX = "fan/";
  static final String FAN_KEY = FAN_PREFIX + "changed";

  /** Keys per client, reused in turn: bounds the data both stores hold after a long run. */
  static final int KEYS_PER_CLIENT = 1000;

  private static final String PUT_ROW = "%-8s %-40s %9s %9s %9s %7s%n";
  private static final String FAN_ROW = "%-7s %-7s %9s %9s %9s %8s %9s %9s %7s%n";
  private static final String BLOCKING_GAUGE = "cairn_http_blocking_queries";
  private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(60);

  /** What to run; {@code --quick} shrinks it to well under a minute. */
  record Options(
      int clients,
      int seconds,
      int warmupSeconds,
      int valueBytes,
      int watchers,
      int rounds,
      int warmupRounds) {
    Options {
      if (clients < 1 || seconds < 1 || warmupSeconds < 0 || watchers < 1 || rounds < 1) {
        throw new IllegalArgumentException(
            "--clients, --seconds, --watchers and --rounds must be positive, --warmup not"
                + " negative");
      }
      if (valueBytes < 1 || valueBytes > 512 * 1024) {
        throw new IllegalArgumentException("--value-bytes must be 1 to 524288: " + valueBytes);
      }
      if (warmupRounds < 0) {
        throw new IllegalArgumentException("--warmup-rounds must not be negative");
      }
    }

    static Options parse(List<String> args) {
      boolean quick = args.contains("--quick");
      int clients = 64;
      int seconds = quick ? 3 : 10;
      int warmup = quick ? 1 : 3;
      int valueBytes = 128;
      int watchers = quick ? 200 : 1000;
      int rounds = quick ? 3 : 5;
      int warmupRounds = 1;
      List<String> rest = new ArrayList<>(args);
      rest.remove("--quick");
      for (Map.Entry<String, String> p : BenchOptions.pairs(rest)) {
        int v = Integer.parseInt(p.getValue());
        switch (p.getKey()) {
          case "--clients" -> clients = v;
          case "--seconds" -> seconds = v;
          case "--warmup" -> warmup = v;
          case "--value-bytes" -> valueBytes = v;
          case "--watchers" -> watchers = v;
          case "--rounds" -> rounds = v;
          case "--warmup-rounds" -> warmupRounds = v;
          default -> throw new IllegalArgumentException("unknown option " + p.getKey());
        }
      }
      return new Options(clients, seconds, warmup, valueBytes, watchers, rounds, warmupRounds);
    }

    /** Server flags so that every watcher (and the put clients) fit under the server's limits. */
    List<String> serverArgs() {
      return List.of(
          "--http-max-blocking-queries",
          Integer.toString(Math.max(10_000, 2 * watchers)),
          "--http-max-connections",
          Integer.toString(Math.max(10_000, 2 * watchers + clients + 100)));
    }
  }

  /**
   * One round's wake delays per watcher, in nanoseconds from the put's acknowledgement, and the CPU
   * time the measured system (Cairn's server, or etcd) used from sending the put until every
   * watcher had it (NaN when unknown). On shared cores the CPU time moves less than the delays do.
   */
  record Round(long[] wakeNanos, long putNanos, double cpuMs) {
    Round {
      wakeNanos = wakeNanos.clone();
      Arrays.sort(wakeNanos);
    }

    Round(long[] wakeNanos, long putNanos) {
      this(wakeNanos, putNanos, Double.NaN);
    }

    double p50Ms() {
      return LatencyRecorder.quantileMillis(wakeNanos, 0.50);
    }

    double p99Ms() {
      return LatencyRecorder.quantileMillis(wakeNanos, 0.99);
    }

    double lastMs() {
      return wakeNanos[wakeNanos.length - 1] / 1e6;
    }

    /** The same wakes counted from sending the put instead of from its acknowledgement. */
    Round fromSend() {
      return new Round(Arrays.stream(wakeNanos).map(n -> n + putNanos).toArray(), 0, cpuMs);
    }
  }

  private KvBenchmark() {}

  static void run(List<String> args) throws Exception {
    Options options = Options.parse(args);
    System.out.println(
        "command: bin/bench kv" + (args.isEmpty() ? "" : " " + String.join(" ", args)));
    Cleanup.around(cleanup -> run(options, cleanup));
  }

  private static void run(Options o, Cleanup cleanup) throws Exception {
    long started = System.nanoTime();
    String etcdVersion = Host.firstLine(Host.which("etcd").orElse("etcd"), "--version");
    System.out.printf(
        "kv: Cairn (packaged server, embedded store, %s) and a single-member etcd %s (fsync on)"
            + " on loopback, data in one temporary directory; %d cores, JDK %s%n",
        String.join(" ", o.serverArgs()),
        etcdVersion,
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    Path tmp = cleanup.tempDirectory("cairn-kv-");
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    ServerProcess cairn =
        ServerProcess.started(cleanup, tmp.resolve("cairn"), "cairn.log", o.serverArgs());
    LocalEtcd etcd = LocalEtcd.start(1, tmp.resolve("etcd"));
    cleanup.add(etcd::close);
    cairn.awaitReady(http, Duration.ofSeconds(60));
    Client jetcd = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
    cleanup.add(jetcd::close);

    byte[] value = value(o.valueBytes(), 0);
    System.out.printf(
        "%nKV puts: %d clients, each waiting for its acknowledgement before the next put, %d-byte"
            + " values, %d keys per client reused in turn; Cairn: PUT /v1/kv/%s<client>/<n>, one"
            + " kept-alive HTTP/1.1 connection per client; etcd: Put through one jetcd client;"
            + " warm-up %ds, measure %ds (CPU lines include the warm-up)%n",
        o.clients(), o.valueBytes(), KEYS_PER_CLIENT, PUT_PREFIX, o.warmupSeconds(), o.seconds());
    System.out.printf(PUT_ROW, "clients", "system", "writes/s", "p50 ms", "p99 ms", "others");
    LoadRun.Result cairnPuts = cairnPuts(cairn.httpAddress(), o, value);
    LoadRun.Result etcdPuts = etcdPuts(jetcd.getKVClient(), o, value);

    System.out.printf(
        "%nfan-out: %d watchers on prefix '%s', then one put of %s (%d bytes); per watcher the"
            + " delay from the put's acknowledgement to the watcher holding the change (negative:"
            + " woken before the acknowledgement reached the driver); Cairn: GET /v1/kv/%s?recurse"
            + "&index=N&wait=5m, one HTTP/1.1 connection each, re-issued every round, all %d seen"
            + " waiting (%s) before the put; etcd: %d prefix watches on one jetcd client, each"
            + " created (created notify) before the first put; %d warm-up round(s) not counted,"
            + " then %d rounds, the two systems alternating; max = from the acknowledgement until"
            + " all are woken, put ms = the put's own round trip, from send = from sending the put"
            + " until all are woken, cpu ms = CPU time the system (Cairn's server, etcd) used from"
            + " sending the put until all are woken%n",
        o.watchers(),
        FAN_PREFIX,
        FAN_KEY,
        o.valueBytes(),
        FAN_PREFIX,
        o.watchers(),
        BLOCKING_GAUGE,
        o.watchers(),
        o.warmupRounds(),
        o.rounds());
    System.out.printf(
        FAN_ROW,
        "round",
        "system",
        "p50 ms",
        "p99 ms",
        "max ms",
        "put ms",
        "from send",
        "woken",
        "cpu ms");
    List<Round> cairnRounds = new ArrayList<>();
    List<Round> etcdRounds = new ArrayList<>();
    ProcessCpu fanCpu;
    try (CairnWatchers cw = new CairnWatchers(cairn, http, o);
        EtcdWatchers ew = new EtcdWatchers(jetcd, o)) {
      fanCpu = ProcessCpu.now();
      for (int r = 1 - o.warmupRounds(); r <= o.rounds(); r++) {
        byte[] v = value(o.valueBytes(), r + o.warmupRounds());
        String label = r < 1 ? "warm-up" : Integer.toString(r);
        Round c = cw.round(v);
        printRound(label, "cairn", c, o.watchers());
        Round e = ew.round(v);
        printRound(label, "etcd", e, o.watchers());
        if (r >= 1) {
          cairnRounds.add(c);
          etcdRounds.add(e);
        }
      }
      System.out.println("(CPU over the fan-out rounds: " + ProcessCpu.since(fanCpu) + ")");
    }

    System.out.printf(
        "%nload average at the end: %s; whole run %.0f s%n",
        Host.loadAverage(), (System.nanoTime() - started) / 1e9);
    System.out.println(
        "others = cores' worth of CPU used by processes outside this benchmark while measuring");
    System.out.printf(
        "kv puts, %d clients, %d-byte values: cairn %.0f/s (p50 %.2f ms, p99 %.2f ms), etcd %.0f/s"
            + " (p50 %.2f ms, p99 %.2f ms), ratio cairn/etcd %.2fx%n",
        o.clients(),
        o.valueBytes(),
        cairnPuts.perSecond(),
        cairnPuts.p50Ms(),
        cairnPuts.p99Ms(),
        etcdPuts.perSecond(),
        etcdPuts.p50Ms(),
        etcdPuts.p99Ms(),
        cairnPuts.perSecond() / etcdPuts.perSecond());
    Round c = pooled(cairnRounds);
    Round e = pooled(etcdRounds);
    Round cs = pooled(cairnRounds.stream().map(Round::fromSend).toList());
    Round es = pooled(etcdRounds.stream().map(Round::fromSend).toList());
    double cairnAll = medianLast(cairnRounds.stream().map(Round::fromSend).toList());
    double etcdAll = medianLast(etcdRounds.stream().map(Round::fromSend).toList());
    System.out.printf(
        "kv fan-out, %d watchers, %d rounds, from the put's acknowledgement: cairn p50 %.1f ms,"
            + " p99 %.1f ms, max %.1f ms; etcd p50 %.1f ms, p99 %.1f ms, max %.1f ms; ratio"
            + " cairn/etcd p99 %s%n",
        o.watchers(),
        o.rounds(),
        c.p50Ms(),
        c.p99Ms(),
        c.lastMs(),
        e.p50Ms(),
        e.p99Ms(),
        e.lastMs(),
        ratio(c.p99Ms(), e.p99Ms()));
    System.out.printf(
        "kv fan-out, %d watchers, %d rounds, from sending the put: cairn p50 %.1f ms, p99 %.1f ms,"
            + " all woken (median over rounds) %.1f ms; etcd p50 %.1f ms, p99 %.1f ms, all woken"
            + " %.1f ms; ratio cairn/etcd p99 %s, all woken %s (lower is faster)%n",
        o.watchers(),
        o.rounds(),
        cs.p50Ms(),
        cs.p99Ms(),
        cairnAll,
        es.p50Ms(),
        es.p99Ms(),
        etcdAll,
        ratio(cs.p99Ms(), es.p99Ms()),
        ratio(cairnAll, etcdAll));
    System.out.printf(
        "kv fan-out, %d watchers, %d rounds, CPU time from sending the put until all woken (median"
            + " over rounds): cairn server %.0f ms, etcd %.0f ms%n",
        o.watchers(), o.rounds(), medianCpuMs(cairnRounds), medianCpuMs(etcdRounds));
  }

  private static LoadRun.Result cairnPuts(InetSocketAddress server, Options o, byte[] value)
      throws Exception {
    Http1Connection[] connections = new Http1Connection[o.clients()];
    for (int i = 0; i < connections.length; i++) {
      connections[i] = new Http1Connection(server);
    }
    try {
      OtherCpu others = OtherCpu.now();
      ProcessCpu own = ProcessCpu.now();
      LoadRun.Result r =
          LoadRun.run(
              o.clients(),
              o.warmupSeconds(),
              o.seconds(),
              (w, seq) -> {
                Http1Connection.Response res =
                    connections[w].exchange("PUT", "/v1/kv/" + putKey(w, seq), value);
                if (res.status() != 200 || !res.text().strip().equals("true")) {
                  throw new IllegalStateException(
                      "PUT /v1/kv/" + putKey(w, seq) + ": " + res.status() + " " + res.text());
                }
              });
      printPuts(r, "cairn, PUT /v1/kv (HTTP/1.1)", others, own);
      return r;
    } finally {
      for (Http1Connection c : connections) {
        c.close();
      }
    }
  }

  private static LoadRun.Result etcdPuts(KV kv, Options o, byte[] value) throws Exception {
    ByteSequence v = ByteSequence.from(value);
    OtherCpu others = OtherCpu.now();
    ProcessCpu own = ProcessCpu.now();
    LoadRun.Result r =
        LoadRun.run(
            o.clients(),
            o.warmupSeconds(),
            o.seconds(),
            (w, seq) -> kv.put(bytes(putKey(w, seq)), v).get(10, TimeUnit.SECONDS));
    printPuts(r, "etcd, Put (jetcd, gRPC)", others, own);
    return r;
  }

  static String putKey(int client, long seq) {
    return PUT_PREFIX + client + "/" + (seq % KEYS_PER_CLIENT);
  }

  private static void printPuts(LoadRun.Result r, String system, OtherCpu others, ProcessCpu own) {
    System.out.printf(
        PUT_ROW,
        r.writers(),
        system,
        "%.0f".formatted(r.perSecond()),
        "%.2f".formatted(r.p50Ms()),
        "%.2f".formatted(r.p99Ms()),
        OtherCpu.format(OtherCpu.since(others)));
    System.out.println("         (CPU: " + ProcessCpu.since(own) + ")");
  }

  private static void printRound(String label, String system, Round r, int watchers) {
    System.out.printf(
        FAN_ROW,
        label,
        system,
        "%.1f".formatted(r.p50Ms()),
        "%.1f".formatted(r.p99Ms()),
        "%.1f".formatted(r.lastMs()),
        "%.1f".formatted(r.putNanos() / 1e6),
        "%.1f".formatted(r.lastMs() + r.putNanos() / 1e6),
        r.wakeNanos().length + "/" + watchers,
        "%.0f".formatted(r.cpuMs()));
  }

  /** Every round's samples together. */
  static Round pooled(List<Round> rounds) {
    long[] all = rounds.stream().flatMapToLong(r -> Arrays.stream(r.wakeNanos())).toArray();
    return new Round(all, 0);
  }

  /** The median over rounds of the time from the acknowledgement until all were woken, in ms. */
  static double medianLast(List<Round> rounds) {
    return median(rounds.stream().mapToDouble(Round::lastMs).toArray());
  }

  /** The median over rounds of the measured system's CPU time per round, in ms. */
  static double medianCpuMs(List<Round> rounds) {
    return median(rounds.stream().mapToDouble(Round::cpuMs).toArray());
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * "0.85x", or "n/a (not positive)" when either figure is not above zero: a delay counted from the
   * acknowledgement can be negative, and a ratio of such figures would mislead.
   */
  static String ratio(double cairn, double etcd) {
    return cairn > 0 && etcd > 0 ? "%.2fx".formatted(cairn / etcd) : "n/a (not positive)";
  }

  /**
   * A value of {@code size} printable bytes, different for each {@code round}, so a watcher can
   * tell this round's change from an earlier one.
   */
  static byte[] value(int size, int round) {
    byte[] v = new byte[size];
    String tag = "round-" + round + "-";
    for (int i = 0; i < size; i++) {
      v[i] = (byte) (i < tag.length() ? tag.charAt(i) : 'a' + i % 26);
    }
    return v;
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** W blocking queries on the prefix, each on its own connection, re-issued every round. */
  private static final class CairnWatchers implements AutoCloseable {
    private final ServerProcess server;
    private final HttpClient http;
    private final Http1Connection writer;
    private final Http1Connection[] connections;
    private final long[] index;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    CairnWatchers(ServerProcess server, HttpClient http, Options o) throws Exception {
      this.server = server;
      this.http = http;
      this.writer = new Http1Connection(server.httpAddress());
      this.connections = new Http1Connection[o.watchers()];
      for (int i = 0; i < connections.length; i++) {
        connections[i] = new Http1Connection(server.httpAddress());
      }
      // One entry that stays, so the prefix exists and every answer has the same shape.
      put(FAN_PREFIX + "anchor", value(o.valueBytes(), 0));
      Http1Connection.Response r =
          writer.exchange("GET", "/v1/kv/" + FAN_PREFIX + "?recurse", new byte[0]);
      if (r.status() != 200) {
        throw new IllegalStateException("GET /v1/kv/" + FAN_PREFIX + "?recurse: " + r.status());
      }
      this.index = new long[o.watchers()];
      Arrays.fill(index, consulIndex(r));
    }

    private long put(String key, byte[] value) throws Exception {
      long t0 = System.nanoTime();
      Http1Connection.Response r = writer.exchange("PUT", "/v1/kv/" + key, value);
      if (r.status() != 200 || !r.text().strip().equals("true")) {
        throw new IllegalStateException("PUT /v1/kv/" + key + ": " + r.status() + " " + r.text());
      }
      return System.nanoTime() - t0;
    }

    Round round(byte[] value) throws Exception {
      int w = connections.length;
      String expected = Base64.getEncoder().encodeToString(value);
      long[] woke = new long[w];
      String[] wrong = new String[w];
      CountDownLatch done = new CountDownLatch(w);
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      for (int i = 0; i < w; i++) {
        int at = i;
        threads.submit(
            () -> {
              try {
                Http1Connection.Response r =
                    connections[at].exchange(
                        "GET",
                        "/v1/kv/" + FAN_PREFIX + "?recurse&index=" + index[at] + "&wait=5m",
                        new byte[0]);
                woke[at] = System.nanoTime();
                long next = r.status() == 200 ? consulIndex(r) : 0;
                if (r.status() != 200 || next <= index[at] || !r.text().contains(expected)) {
                  wrong[at] = r.status() + " index " + index[at] + " -> " + next + ": " + r.text();
                }
                index[at] = next;
              } catch (Throwable t) {
                failures.add(t);
              } finally {
                done.countDown();
              }
            });
      }
      awaitWaiting(w, done);
      ProcessCpu cpu = ProcessCpu.now();
      long sent = System.nanoTime();
      put(FAN_KEY, value);
      long acked = System.nanoTime();
      if (!done.await(ROUND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            done.getCount() + " of " + w + " Cairn watchers not woken within " + ROUND_TIMEOUT);
      }
      double cpuMs = ProcessCpu.millisSince(cpu, "cairn");
      if (!failures.isEmpty()) {
        throw new IllegalStateException("Cairn watcher failed", failures.getFirst());
      }
      for (String s : wrong) {
        if (s != null) {
          throw new IllegalStateException("a Cairn watcher got the wrong answer: " + s);
        }
      }
      return new Round(Arrays.stream(woke).map(t -> t - acked).toArray(), acked - sent, cpuMs);
    }

    /** Until the server counts every watcher as waiting, and none has returned early. */
    private void awaitWaiting(int w, CountDownLatch done) throws Exception {
      long deadline = System.nanoTime() + ROUND_TIMEOUT.toNanos();
      while (true) {
        if (done.getCount() < w) {
          throw new IllegalStateException(
              (w - done.getCount()) + " Cairn watchers returned before the put");
        }
        double waiting = server.scrape(http).getOrDefault(BLOCKING_GAUGE, 0.0);
        if (waiting >= w) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "only " + waiting + " of " + w + " Cairn watchers waiting after " + ROUND_TIMEOUT);
        }
        Thread.sleep(20);
      }
    }

    private static long consulIndex(Http1Connection.Response r) {
      return Long.parseLong(
          r.header("X-Consul-Index")
              .orElseThrow(() -> new IllegalStateException("no X-Consul-Index")));
    }

    @Override
    public void close() {
      writer.close();
      for (Http1Connection c : connections) {
        c.close();
      }
      threads.shutdownNow();
    }
  }

  /** W prefix watches on one jetcd client, open for the whole run. */
  private static final class EtcdWatchers implements AutoCloseable {
    private final KV kv;
    private final List<Watch.Watcher> watchers = new ArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final int count;
    private volatile ByteSequence expected = ByteSequence.EMPTY;
    private volatile AtomicLongArray woke;
    private volatile CountDownLatch done = new CountDownLatch(0);

    EtcdWatchers(Client client, Options o) throws Exception {
      this.kv = client.getKVClient();
      this.count = o.watchers();
      this.woke = new AtomicLongArray(count);
      kv.put(bytes(FAN_PREFIX + "anchor"), ByteSequence.from(value(o.valueBytes(), 0)))
          .get(10, TimeUnit.SECONDS);
      CountDownLatch created = new CountDownLatch(count);
      WatchOption option = WatchOption.builder().isPrefix(true).withCreateNotify(true).build();
      Watch watch = client.getWatchClient();
      for (int i = 0; i < count; i++) {
        int at = i;
        watchers.add(
            watch.watch(
                bytes(FAN_PREFIX),
                option,
                Watch.listener(
                    response -> onResponse(at, response, created), t -> failures.add(t))));
      }
      if (!created.await(ROUND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            created.getCount() + " of " + count + " etcd watches not created in time");
      }
    }

    private void onResponse(int at, WatchResponse response, CountDownLatch created) {
      long now = System.nanoTime();
      if (response.isCreatedNotify()) {
        created.countDown();
      }
      for (WatchEvent e : response.getEvents()) {
        if (e.getEventType() == WatchEvent.EventType.PUT
            && e.getKeyValue().getValue().equals(expected)
            && woke.compareAndSet(at, 0, now)) {
          done.countDown();
        }
      }
    }

    Round round(byte[] value) throws Exception {
      woke = new AtomicLongArray(count);
      done = new CountDownLatch(count);
      expected = ByteSequence.from(value);
      ProcessCpu cpu = ProcessCpu.now();
      long sent = System.nanoTime();
      kv.put(bytes(FAN_KEY), ByteSequence.from(value)).get(10, TimeUnit.SECONDS);
      long acked = System.nanoTime();
      if (!done.await(ROUND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            done.getCount() + " of " + count + " etcd watchers not woken within " + ROUND_TIMEOUT);
      }
      double cpuMs = ProcessCpu.millisSince(cpu, "etcd");
      if (!failures.isEmpty()) {
        throw new IllegalStateException("etcd watch failed", failures.getFirst());
      }
      long[] delays = new long[count];
      for (int i = 0; i < count; i++) {
        delays[i] = woke.get(i) - acked;
      }
      return new Round(delays, acked - sent, cpuMs);
    }

    @Override
    public void close() {
      for (Watch.Watcher w : watchers) {
        w.close();
      }
    }
  }
}
