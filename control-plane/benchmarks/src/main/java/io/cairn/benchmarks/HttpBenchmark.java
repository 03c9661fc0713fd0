package io.cairn.benchmarks;

import io.cairn.registry.Registry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.TtlCheck;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.cairn.testfixtures.etcd.LocalEtcd;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin API over real HTTP, against the packaged server run as a separate process ({@code
 * bin/bench http}).
 *
 * <ol>
 *   <li>Loads {@code services x instances} registrations ({@code PUT /v1/agent/service/register},
 *       each with a passing TTL check) with {@code writers} requests in flight from a java.net.http
 *       client on virtual threads, and reports their rate and latency (cold server).
 *   <li>Reads {@code GET /v1/health/service/NAME?passing} with wrk (one name, then a rotation over
 *       every name). Peer, same invocation, same wrk command: nginx serving the very bytes Cairn
 *       answered, from files, so the ratio is Cairn's cost over the floor of HTTP on this machine.
 *   <li>Registers unique instances over HTTP for a timed window with wrk ({@code writers}
 *       connections, each waiting for its durable acknowledgement; the java.net.http driver only
 *       when wrk is missing, as it takes most of two cores itself). There is no meaningful HTTP
 *       peer for a registration as such; for context the same registrations are applied to the
 *       embedded registry in this JVM, and the ratio shows what the HTTP layer costs.
 *   <li>Peer for the durable write, after Cairn has stopped: a single-member etcd on loopback
 *       (fsync on, its defaults) taking unique-key puts through its v3 JSON gateway ({@code POST
 *       /v3/kv/put}) from the same wrk command, when etcd is installed.
 * </ol>
 *
 * Processes and temporary files are removed on exit, also on failure and on Ctrl-C.
 */
final class HttpBenchmark {
  static final String SERVICE_PATH = "/v1/health/service/";

  /**
   * The TTL of every registered check: longer than any run, so that no check expires while it is
   * read (at 60 s the catalog's checks went critical during the rotating reads, which then measured
   * empty {@code ?passing} answers).
   */
  static final String TTL = "1h";

  private static Optional<Path> lastLog = Optional.empty();

  /** The wrk being waited for, stopped by the cleanup when the benchmark is interrupted. */
  private static final AtomicReference<Process> runningWrk = new AtomicReference<>();

  private HttpBenchmark() {}

  record Options(
      int services,
      int instances,
      int connections,
      int wrkThreads,
      int readSeconds,
      int warmupSeconds,
      int registrationSeconds,
      int writers,
      Optional<Path> serverJar,
      List<String> serverJvmOptions,
      Optional<String> wrk,
      Optional<String> nginx,
      Optional<Path> eurekaJar,
      boolean eureka) {
    static Options parse(List<String> args) {
      int services = 1000;
      int instances = 3;
      int connections = 64;
      int wrkThreads = 2;
      int readSeconds = 20;
      int warmup = 5;
      int registrationSeconds = 10;
      int writers = 64;
      Optional<Path> jar = Optional.empty();
      Optional<String> wrk = Optional.empty();
      Optional<String> nginx = Optional.empty();
      Optional<Path> eureka = Optional.empty();
      boolean eurekaOn = true;
      List<String> jvm = new ArrayList<>();
      for (Map.Entry<String, String> option : BenchOptions.pairs(args)) {
        String v = option.getValue();
        switch (option.getKey()) {
          case "--services" -> services = Integer.parseInt(v);
          case "--instances" -> instances = Integer.parseInt(v);
          case "--connections" -> connections = Integer.parseInt(v);
          case "--wrk-threads" -> wrkThreads = Integer.parseInt(v);
          case "--seconds" -> readSeconds = Integer.parseInt(v);
          case "--warmup" -> warmup = Integer.parseInt(v);
          case "--registration-seconds" -> registrationSeconds = Integer.parseInt(v);
          case "--writers" -> writers = Integer.parseInt(v);
          case "--server-jar" -> jar = Optional.of(Path.of(v));
          case "--server-jvm-option" -> jvm.add(v);
          case "--wrk" -> wrk = Optional.of(v);
          case "--nginx" -> nginx = Optional.of(v);
          case "--eureka-jar" -> eureka = Optional.of(Path.of(v));
          case "--eureka" ->
              eurekaOn =
                  switch (v) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw new IllegalArgumentException("--eureka takes on or off");
                  };
          default -> throw new IllegalArgumentException("unknown option " + option.getKey());
        }
      }
      return new Options(
          services,
          instances,
          connections,
          wrkThreads,
          readSeconds,
          warmup,
          registrationSeconds,
          writers,
          jar,
          List.copyOf(jvm),
          wrk,
          nginx,
          eureka,
          eurekaOn);
    }
  }

  /** One wrk run, parsed. */
  record WrkResult(
      double requestsPerSecond,
      Map<String, Double> latencyMs,
      long requests,
      double bytesRead,
      long non2xx,
      String socketErrors,
      double otherCores,
      double serverCpuSeconds) {
    double p(String quantile) {
      return latencyMs.getOrDefault(quantile, Double.NaN);
    }

    /** With the CPU others and the server (NaN: not known) used while it ran. */
    WrkResult measured(double others, double serverCpu) {
      return new WrkResult(
          requestsPerSecond,
          latencyMs,
          requests,
          bytesRead,
          non2xx,
          socketErrors,
          others,
          serverCpu);
    }

    /** The server's CPU time per request in microseconds, whatever core it ran on; or NaN. */
    double serverCpuMicrosPerRequest() {
      return serverCpuSeconds * 1e6 / requests;
    }

    /**
     * Fails unless every response was a 2xx of at least {@code bodyBytes} on average (headers
     * included): a read answered with {@code []} or an error would be a fake speed-up.
     */
    WrkResult requireBodies(int bodyBytes, String what) {
      double perResponse = requests == 0 ? 0 : bytesRead / requests;
      if (non2xx > 0 || perResponse < bodyBytes) {
        throw new IllegalStateException(
            String.format(
                "%s: %d of %d responses not 2xx, %.0f bytes per response on average where the"
                    + " body alone is %d: the server did not answer the full entries",
                what, non2xx, requests, perResponse, bodyBytes));
      }
      return this;
    }
  }

  /** The most CPU other processes took during any measured window, in cores. */
  private static double worstOtherCores = 0;

  private static double noteOther(double cores) {
    if (!Double.isNaN(cores)) {
      worstOtherCores = Math.max(worstOtherCores, cores);
    }
    return cores;
  }

  static void run(List<String> args) throws Exception {
    Options o = Options.parse(args);
    Cleanup.around(
        cleanup -> {
          try {
            run(o, cleanup);
          } catch (Exception e) {
            // Here, before the cleanup deletes the log.
            lastLog.ifPresent(
                log ->
                    System.err.println(
                        "benchmark failed; cairn log tail:\n" + ServerProcess.tail(log, 40)));
            throw e;
          }
        });
  }

  private static void run(Options o, Cleanup cleanup) throws Exception {
    Path tmp = cleanup.tempDirectory("cairn-http-bench-");
    stopWrkOnCleanup(cleanup);
    Path jar = o.serverJar().orElseGet(ServerProcess::defaultJar);
    Optional<String> wrk = Host.executable(o.wrk(), "wrk");
    Optional<String> nginx = Host.executable(o.nginx(), "nginx");
    printMachine("admin API over HTTP");
    System.out.printf(
        "load driver and server share this machine (load average now %s); wrk %s, nginx %s%n",
        Host.loadAverage(),
        wrk.map(w -> Host.firstLine(w, "-v")).orElse("not installed"),
        nginx.map(n -> Host.firstLine(n, "-v")).orElse("not installed"));

    // 1. The server, as an operator runs it.
    Path log = tmp.resolve("cairn.log");
    lastLog = Optional.of(log);
    ServerProcess server =
        ServerProcess.start(jar, tmp.resolve("data"), log, o.serverJvmOptions(), List.of());
    AtomicBoolean serverStopped = new AtomicBoolean();
    cleanup.add(
        () -> {
          if (!serverStopped.get()) {
            server.stop(Duration.ofSeconds(30));
          }
        });
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    server.awaitReady(http, Duration.ofSeconds(60));
    String base = server.base();
    System.out.printf("cairn pid %d listening on %s (log %s)%n", server.pid(), base, log);

    // 2. The catalog: services x instances, over HTTP, writers in flight.
    printLoad(loadCatalog(http, base, o, Optional.empty()), o, "");

    // 3. Reads.
    String single = "svc-17";
    byte[] body = get(http, base + SERVICE_PATH + single + "?passing");
    int entries = requireEntries(body, o.instances(), single);
    System.out.printf(
        "GET %s%s?passing -> %d bytes, %d entries%n", SERVICE_PATH, single, body.length, entries);
    Path lua = tmp.resolve("rotate.lua");
    Files.writeString(lua, rotationScript(o.services()));
    List<String[]> summary = new ArrayList<>();
    Optional<WrkResult> cairnReadOne = Optional.empty();
    if (wrk.isEmpty()) {
      System.out.println(
          "wrk is not installed: reads skipped (Debian/Ubuntu: apt-get install -y wrk)");
    } else {
      Optional<String> nginxBase = Optional.empty();
      if (nginx.isEmpty()) {
        System.out.println(
            "nginx is not installed: no read peer (Debian/Ubuntu: apt-get install -y nginx-light)");
      } else {
        Path root = tmp.resolve("nginx");
        Files.createDirectories(root.resolve("html" + SERVICE_PATH));
        for (int s = 0; s < o.services(); s++) {
          String name = "svc-" + s;
          byte[] b = s == 17 ? body : get(http, base + SERVICE_PATH + name + "?passing");
          Files.write(root.resolve("html" + SERVICE_PATH + name), b);
        }
        int nginxPort = Host.freePort();
        Process ng = startNginx(nginx.get(), root, nginxPort);
        cleanup.add(() -> Host.stop(ng, "nginx", Duration.ofSeconds(10)));
        String nb = "http://127.0.0.1:" + nginxPort;
        awaitNginx(http, nb + SERVICE_PATH + single + "?passing", body, ng, root);
        nginxBase = Optional.of(nb);
        System.out.printf(
            "nginx pid %d on %s serves the same bodies (%d files)%n", ng.pid(), nb, o.services());
      }
      System.out.printf(
          "%nreads: wrk -t%d -c%d -d%ds --latency (after a %ds warm-up run of each)%n",
          o.wrkThreads(), o.connections(), o.readSeconds(), o.warmupSeconds());
      printWrkHeader("request", "req/s");
      for (boolean rotate : List.of(false, true)) {
        String path = SERVICE_PATH + single + "?passing";
        Optional<Path> script = rotate ? Optional.of(lua) : Optional.empty();
        String label = readLabel(rotate, o);
        WrkResult cairn =
            wrkMeasured(wrk.get(), o, base + path, script, List.of(), server::cpuSeconds)
                .requireBodies(body.length * 9 / 10, "cairn " + label);
        printWrk(label, "cairn", cairn);
        if (!rotate) {
          cairnReadOne = Optional.of(cairn);
        }
        WrkResult peer = null;
        if (nginxBase.isPresent()) {
          peer =
              wrkMeasured(
                  wrk.get(), o, nginxBase.get() + path, script, List.of(), () -> Double.NaN);
          printWrk(label, "nginx", peer);
        }
        summary.add(
            new String[] {
              rotate ? "reads, rotating names" : "reads, one name",
              String.format(
                  "cairn=%.0f req/s p99=%.2f ms", cairn.requestsPerSecond(), cairn.p("99%")),
              peer == null
                  ? "no peer (nginx missing)"
                  : String.format(
                      "nginx=%.0f req/s p99=%.2f ms ratio=%.2fx",
                      peer.requestsPerSecond(),
                      peer.p("99%"),
                      cairn.requestsPerSecond() / peer.requestsPerSecond())
            });
      }
    }

    // 4. Registrations over HTTP, timed, unique ids. wrk when present: a JVM client on the same
    // two cores takes most of the CPU itself (java.net.http at ~1.5 cores) and measures itself.
    System.out.printf(
        "%nregistrations over HTTP (unique ids, TTL check each), %d connections each waiting for"
            + " its acknowledgement, warm-up %ds, measure %ds%n",
        o.writers(), o.warmupSeconds(), o.registrationSeconds());
    printWrkHeader("driver", "writes/s");
    Map<String, Double> before;
    Map<String, Double> after;
    double regPerSecond;
    double regP50;
    double regP99;
    if (wrk.isPresent()) {
      Path regLua = tmp.resolve("register.lua");
      Files.writeString(regLua, registrationScript());
      String url = base + "/v1/agent/service/register";
      if (o.warmupSeconds() > 0) {
        wrk(
            wrk.get(),
            o.wrkThreads(),
            o.writers(),
            o.warmupSeconds(),
            url,
            regLua,
            List.of(),
            "warm");
      }
      before = server.scrape(http);
      OtherCpu start = OtherCpu.now();
      double cpu = server.cpuSeconds();
      WrkResult r =
          wrk(
                  wrk.get(),
                  o.wrkThreads(),
                  o.writers(),
                  o.registrationSeconds(),
                  url,
                  regLua,
                  List.of(),
                  "run")
              .measured(noteOther(OtherCpu.since(start)), server.cpuSeconds() - cpu);
      after = server.scrape(http);
      printWrk("wrk PUT /v1/agent/service/register", "cairn", r);
      if (r.non2xx() > 0) {
        throw new IllegalStateException(r.non2xx() + " registrations failed");
      }
      regPerSecond = r.requestsPerSecond();
      regP50 = r.p("50%");
      regP99 = r.p("99%");
    } else {
      System.out.println("(wrk missing: java.net.http driver, which competes for the same cores)");
      before = server.scrape(http);
      LoadRun.Result r =
          LoadRun.run(
              o.writers(),
              o.warmupSeconds(),
              o.registrationSeconds(),
              (w, seq) ->
                  register(
                      http,
                      base,
                      "reg-" + w + "-" + seq,
                      "reg-svc-" + seq % 1000,
                      w,
                      Optional.empty()));
      after = server.scrape(http);
      System.out.printf(
          "%-34s %-8s %11.0f %9.2f %9s %9.2f %9s %7s %11s%n",
          "java.net.http, 64 threads",
          "cairn",
          r.perSecond(),
          r.p50Ms(),
          "-",
          r.p99Ms(),
          "0",
          "?",
          "-");
      regPerSecond = r.perSecond();
      regP50 = r.p50Ms();
      regP99 = r.p99Ms();
    }
    double commits = delta(before, after, "cairn_registry_batch_commands_count");
    double commands = delta(before, after, "cairn_registry_batch_commands_sum");
    if (commits > 0) {
      System.out.printf(
          "         (server: %.0f group commits, %.1f commands each; %.0f instances registered)%n",
          commits, commands / commits, after.getOrDefault("cairn_registry_instances", Double.NaN));
    }

    // Stop the server (and nginx) before the in-process run, so it has the machine to itself.
    serverStopped.set(true);
    int exit = server.stop(Duration.ofSeconds(30));
    if (exit != 0 && exit != 143) {
      System.out.println("cairn exited with " + exit + "; log tail:\n" + server.tail(20));
    }
    OtherCpu embeddedStart = OtherCpu.now();
    LoadRun.Result embedded = embedded(tmp.resolve("embedded"), o);
    double embeddedOther = noteOther(OtherCpu.since(embeddedStart));
    System.out.printf(
        "%-34s %-8s %11.0f %9.2f %9s %9.2f %9s %7s %11s%n",
        o.writers() + " threads, in-process",
        "embedded",
        embedded.perSecond(),
        embedded.p50Ms(),
        "-",
        embedded.p99Ms(),
        "0",
        OtherCpu.format(embeddedOther),
        "-");
    summary.add(
        new String[] {
          "registrations, " + o.writers() + " conns",
          String.format(
              "cairn=%.0f writes/s p50=%.2f ms p99=%.2f ms", regPerSecond, regP50, regP99),
          String.format(
              "context: embedded registry=%.0f/s, http/embedded=%.2fx",
              embedded.perSecond(), regPerSecond / embedded.perSecond())
        });
    etcdGatewayPeer(wrk, o, tmp, http, regPerSecond).ifPresent(summary::add);
    eurekaPeer(wrk, o, tmp, http, regPerSecond, cairnReadOne).forEach(summary::add);

    printOthers();
    for (String[] line : summary) {
      System.out.printf("%-28s %-48s %s%n", line[0] + ":", line[1], line[2]);
    }
  }

  /** Stops the wrk being waited for when the benchmark is interrupted. */
  static void stopWrkOnCleanup(Cleanup cleanup) {
    cleanup.add(
        () -> {
          Process w = runningWrk.getAndSet(null);
          if (w != null) {
            w.destroyForcibly();
          }
        });
  }

  static void printMachine(String title) {
    System.out.printf(
        "%s: %d cores, JDK %s, %s, %s%n",
        title,
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
  }

  static void printLoad(LoadRun.Result load, Options o, String server) {
    System.out.printf(
        "loaded %d services x %d instances (each with a TTL check) over HTTP%s, %d in flight:"
            + " %.0f registrations/s, p50 %.2f ms, p99 %.2f ms (cold JVM)%n",
        o.services(),
        o.instances(),
        server,
        o.writers(),
        load.perSecond(),
        load.p50Ms(),
        load.p99Ms());
  }

  /** The load average, what {@code others} means, and a warning if others disturbed a figure. */
  static void printOthers() {
    System.out.printf("%nload average at the end: %s%n", Host.loadAverage());
    System.out.println(
        "others = cores' worth of CPU used by processes outside this benchmark while measuring");
    if (worstOtherCores > 0.1) {
      System.out.printf(
          "WARNING: other processes used up to %.2f cores during a measurement: figures are"
              + " disturbed; run again on a quiet machine%n",
          worstOtherCores);
    }
  }

  /** The number of health entries in {@code body}, which must be {@code expected}. */
  static int requireEntries(byte[] body, int expected, String name) {
    int entries = count(new String(body, StandardCharsets.UTF_8), "\"Service\":{");
    if (entries != expected) {
      throw new IllegalStateException(
          "expected " + expected + " passing entries for " + name + ", got " + entries);
    }
    return entries;
  }

  // ---- registrations ------------------------------------------------------------------------

  private static String registration(String id, String name, int octet) {
    int n = Math.floorMod(id.hashCode(), 250) + 1;
    return "{\"ID\":\""
        + id
        + "\",\"Name\":\""
        + name
        + "\",\"Address\":\"10.0."
        + (octet % 250)
        + "."
        + n
        + "\",\"Port\":8080,\"Tags\":[\"v1\"],\"Meta\":{\"version\":\"1\"},"
        + "\"Check\":{\"CheckID\":\""
        + id
        + ":ttl\",\"TTL\":\""
        + TTL
        + "\",\"Status\":\"passing\"}}";
  }

  private static void register(
      HttpClient http, String base, String id, String name, int octet, Optional<String> token)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            request(base + "/v1/agent/service/register", token)
                .PUT(HttpRequest.BodyPublishers.ofString(registration(id, name, octet)))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "register " + id + ": HTTP " + r.statusCode() + " " + r.body());
    }
  }

  /**
   * Registers every instance once, {@code writers} requests in flight on virtual threads,
   * presenting {@code token} when ACLs are on.
   */
  static LoadRun.Result loadCatalog(HttpClient http, String base, Options o, Optional<String> token)
      throws Exception {
    int total = o.services() * o.instances();
    Semaphore inFlight = new Semaphore(o.writers());
    List<LatencyRecorder> recorders = new ArrayList<>();
    ThreadLocal<LatencyRecorder> mine =
        ThreadLocal.withInitial(
            () -> {
              LatencyRecorder r = new LatencyRecorder();
              synchronized (recorders) {
                recorders.add(r);
              }
              return r;
            });
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long t0 = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < total && failure.get() == null; i++) {
        int service = i / o.instances();
        int instance = i % o.instances();
        inFlight.acquire();
        pool.execute(
            () -> {
              try {
                long s = System.nanoTime();
                register(
                    http,
                    base,
                    "svc-" + service + "-" + instance,
                    "svc-" + service,
                    service,
                    token);
                long took = System.nanoTime() - s;
                mine.get().record(took);
              } catch (Throwable t) {
                failure.compareAndSet(null, t);
              } finally {
                inFlight.release();
              }
            });
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (failure.get() != null) {
      throw new IllegalStateException("loading the catalog failed", failure.get());
    }
    long[] all;
    synchronized (recorders) {
      all = LatencyRecorder.merge(recorders);
    }
    return new LoadRun.Result(
        o.writers(),
        all.length,
        seconds,
        LatencyRecorder.quantileMillis(all, 0.50),
        LatencyRecorder.quantileMillis(all, 0.99));
  }

  /** The same registrations applied to the embedded registry in this JVM (no HTTP, no JSON). */
  private static LoadRun.Result embedded(Path dir, Options o) throws Exception {
    Files.createDirectories(dir);
    try (Registry registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry())) {
      return LoadRun.run(
          o.writers(),
          o.warmupSeconds(),
          o.registrationSeconds(),
          (w, seq) -> {
            String id = "reg-" + w + "-" + seq;
            ServiceInstance instance =
                ServiceInstance.builder(id, "reg-svc-" + seq % 1000)
                    .address("10.0." + (w % 250) + "." + (Math.floorMod(id.hashCode(), 250) + 1))
                    .port(8080)
                    .tags("v1")
                    .meta(Map.of("version", "1"))
                    .build();
            HealthCheck check =
                HealthCheck.of(
                    id + ":ttl",
                    "Service '" + instance.name() + "' check",
                    id,
                    new TtlCheck(Duration.ofHours(1)),
                    HealthStatus.PASSING);
            registry.apply(new RegisterInstance(instance, List.of(check), false));
          });
    }
  }

  // ---- etcd's durable puts over its HTTP gateway --------------------------------------------

  /**
   * Runs etcd's gateway puts with the registration phase's wrk command and prints them; returns the
   * summary line, or nothing when wrk or etcd is missing (one line then says so).
   */
  private static Optional<String[]> etcdGatewayPeer(
      Optional<String> wrk, Options o, Path tmp, HttpClient http, double cairnPerSecond)
      throws Exception {
    Optional<String> bin =
        Host.executable(Optional.ofNullable(System.getenv("CAIRN_ETCD_BIN")), "etcd");
    if (wrk.isEmpty() || bin.isEmpty()) {
      System.out.println(
          "etcd gateway peer skipped: "
              + (wrk.isEmpty() ? "wrk" : "etcd")
              + " is not installed (Debian/Ubuntu: apt-get install -y etcd-server wrk)");
      return Optional.empty();
    }
    System.out.printf(
        "etcd peer: %s, one member on loopback, fsync on; POST /v3/kv/put (JSON gateway), unique"
            + " keys, a %d-byte base64 value%n",
        Host.firstLine(bin.get(), "--version"), etcdValue().length());
    try (LocalEtcd etcd = LocalEtcd.start(1, tmp.resolve("etcd"))) {
      String url = etcd.endpoints().getFirst() + "/v3/kv/put";
      String value = etcdValue();
      // One put by hand first: a gateway that answers something else would make wrk measure 404s.
      HttpResponse<String> probe =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofSeconds(10))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"key\":\"" + base64("/reg/probe") + "\",\"value\":\"" + value + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (probe.statusCode() != 200 || !probe.body().contains("\"revision\"")) {
        throw new IllegalStateException(
            "etcd gateway put: HTTP " + probe.statusCode() + " " + probe.body());
      }
      Path lua = tmp.resolve("etcd-put.lua");
      Files.writeString(lua, etcdPutScript(value));
      WrkResult r =
          peerWrites(
              wrk.get(), o, url, lua, "wrk POST /v3/kv/put (gateway)", "etcd", "gateway puts");
      return Optional.of(
          new String[] {
            "registrations, etcd peer",
            String.format(
                "etcd gateway puts=%.0f/s p50=%.2f ms p99=%.2f ms",
                r.requestsPerSecond(), r.p("50%"), r.p("99%")),
            String.format(
                "cairn/etcd=%.2fx (target >= 2.5x)", cairnPerSecond / r.requestsPerSecond())
          });
    }
  }

  // ---- Eureka --------------------------------------------------------------------------------

  static final String EUREKA_READ_APP = "SVC-17";

  /** bench/eureka-peer/target/eureka-peer.jar next to this checkout's benchmark jar. */
  static Path defaultEurekaJar() {
    // control-plane/server/target/cairn.jar -> bench/eureka-peer/target/eureka-peer.jar
    Path root = ServerProcess.defaultJar().toAbsolutePath().getParent().getParent().getParent();
    return root.getParent().resolve("bench/eureka-peer/target/eureka-peer.jar");
  }

  /**
   * A standalone Eureka server (bench/eureka-peer) measured with the same wrk commands: one-app
   * reads with as many instances as Cairn's one-name read, then registrations. Returns the summary
   * lines, or none when wrk or the jar is missing (one line then says so).
   */
  private static List<String[]> eurekaPeer(
      Optional<String> wrk,
      Options o,
      Path tmp,
      HttpClient http,
      double cairnRegPerSecond,
      Optional<WrkResult> cairnRead)
      throws Exception {
    if (!o.eureka()) {
      System.out.println("eureka peer skipped: --eureka off");
      return List.of();
    }
    Path jar = o.eurekaJar().orElseGet(HttpBenchmark::defaultEurekaJar);
    if (wrk.isEmpty() || !Files.isRegularFile(jar)) {
      System.out.println(
          "eureka peer skipped: "
              + (wrk.isEmpty()
                  ? "wrk is not installed"
                  : jar
                      + " is missing (bin/bench builds it: ./mvnw -B -q -f"
                      + " bench/eureka-peer/pom.xml package)"));
      return List.of();
    }
    int port = Host.freePort();
    Path log = tmp.resolve("eureka.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process eureka =
        new ProcessBuilder(java, "-jar", jar.toString(), "--server.port=" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      String base = "http://127.0.0.1:" + port;
      long t0 = System.nanoTime();
      awaitEureka(http, base, eureka, log);
      System.out.printf(
          "eureka peer: pid %d on %s (standalone, in-memory registry; started in %.1f s)%n",
          eureka.pid(), base, (System.nanoTime() - t0) / 1e9);
      List<String[]> lines = new ArrayList<>();
      // Reads: one app with as many instances as Cairn's one-name read.
      for (int i = 0; i < o.instances(); i++) {
        String id = "svc-17-" + i;
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/eureka/apps/" + EUREKA_READ_APP))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(eurekaInstance(id, EUREKA_READ_APP)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 204) {
          throw new IllegalStateException("eureka register " + id + ": HTTP " + r.statusCode());
        }
      }
      String readUrl = base + "/eureka/apps/" + EUREKA_READ_APP;
      HttpResponse<String> one =
          http.send(
              HttpRequest.newBuilder(URI.create(readUrl))
                  .header("Accept", "application/json")
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      int entries = count(one.body(), "\"instanceId\"");
      if (one.statusCode() != 200 || entries != o.instances()) {
        throw new IllegalStateException(
            "eureka read: HTTP " + one.statusCode() + ", " + entries + " instances: " + one.body());
      }
      int bytes = one.body().getBytes(StandardCharsets.UTF_8).length;
      System.out.printf(
          "GET /eureka/apps/%s (Accept: application/json) -> %d bytes, %d instances%n",
          EUREKA_READ_APP, bytes, entries);
      WrkResult read =
          wrkMeasured(
                  wrk.get(),
                  o,
                  readUrl,
                  Optional.empty(),
                  List.of("Accept: application/json"),
                  () -> Double.NaN)
              .requireBodies(bytes * 9 / 10, "eureka read");
      printWrk("GET /eureka/apps/" + EUREKA_READ_APP, "eureka", read);
      cairnRead.ifPresent(
          c ->
              lines.add(
                  new String[] {
                    "reads, eureka peer",
                    String.format(
                        "eureka=%.0f req/s p50=%.2f ms p99=%.2f ms",
                        read.requestsPerSecond(), read.p("50%"), read.p("99%")),
                    String.format(
                        "cairn/eureka=%.2fx (one name, %d instances)",
                        c.requestsPerSecond() / read.requestsPerSecond(), o.instances())
                  }));
      // Registrations: unique instance ids, the same wrk command as Cairn's.
      Path lua = tmp.resolve("eureka-register.lua");
      Files.writeString(lua, eurekaRegistrationScript());
      String url = base + "/eureka/apps/REG-SVC";
      WrkResult reg =
          peerWrites(
              wrk.get(), o, url, lua, "wrk POST /eureka/apps/{APP}", "eureka", "registrations");
      lines.add(
          new String[] {
            "registrations, eureka peer",
            String.format(
                "eureka=%.0f/s p50=%.2f ms p99=%.2f ms (in memory)",
                reg.requestsPerSecond(), reg.p("50%"), reg.p("99%")),
            String.format("cairn/eureka=%.2fx", cairnRegPerSecond / reg.requestsPerSecond())
          });
      return lines;
    } finally {
      Host.stop(eureka, "eureka", Duration.ofSeconds(20));
    }
  }

  private static void awaitEureka(HttpClient http, String base, Process eureka, Path log)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline && eureka.isAlive()) {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/eureka/apps"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("eureka did not come up:\n" + ServerProcess.tail(log, 30));
  }

  /** A Eureka instance as JSON: UP, a one-hour lease (no eviction during a run). */
  static String eurekaInstance(String id, String app) {
    int n = Math.floorMod(id.hashCode(), 250) + 1;
    return "{\"instance\":{\"instanceId\":\""
        + id
        + "\",\"hostName\":\"10.0.0."
        + n
        + "\",\"app\":\""
        + app
        + "\",\"ipAddr\":\"10.0.0."
        + n
        + "\",\"status\":\"UP\",\"port\":{\"$\":8080,\"@enabled\":\"true\"},"
        + "\"dataCenterInfo\":{\"@class\":\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\","
        + "\"name\":\"MyOwn\"},\"leaseInfo\":{\"durationInSecs\":3600},"
        + "\"metadata\":{\"version\":\"1\"}}}";
  }

  /**
   * POSTs a new instance per request to {@code /eureka/apps/REG-SVC-<n mod 1000>}, ids {@code
   * reg-<prefix>-<thread>-<n>} as in Cairn's registration script.
   */
  static String eurekaRegistrationScript() {
    return """
        local threads = 0
        setup = function(thread)
          thread:set("tid", threads)
          threads = threads + 1
        end
        local prefix = "run"
        local seq = 0
        local headers = { ["Content-Type"] = "application/json" }
        init = function(args)
          if args[1] then prefix = args[1] end
        end
        request = function()
          seq = seq + 1
          local id = "reg-" .. prefix .. "-" .. tid .. "-" .. seq
          local app = "REG-SVC-" .. (seq % 1000)
          local ip = "10.1." .. tid .. "." .. (seq % 250 + 1)
          local body = '{"instance":{"instanceId":"' .. id .. '","hostName":"' .. ip
            .. '","app":"' .. app .. '","ipAddr":"' .. ip
            .. '","status":"UP","port":{"$":8080,"@enabled":"true"},"dataCenterInfo":'
            .. '{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},'
            .. '"leaseInfo":{"durationInSecs":3600},"metadata":{"version":"1"}}}'
          return wrk.format("POST", "/eureka/apps/" .. app, headers, body)
        end
        """;
  }

  /** The value of every etcd put, base64: a registration body as Cairn's wrk script sends it. */
  static String etcdValue() {
    return base64(registration("reg-run-0-1", "reg-svc-1", 1));
  }

  static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * POSTs a put of a new key per request ({@code /reg/<prefix>-<thread>-<n>}, base64 in Lua), the
   * value fixed; the prefix (a script argument) keeps the warm-up's keys apart from the run's.
   */
  static String etcdPutScript(String base64Value) {
    return """
        local threads = 0
        setup = function(thread)
          thread:set("tid", threads)
          threads = threads + 1
        end
        local prefix = "run"
        local seq = 0
        local headers = { ["Content-Type"] = "application/json" }
        init = function(args)
          if args[1] then prefix = args[1] end
        end
        local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        local function b64(s)
          local out = {}
          for i = 1, #s, 3 do
            local a, b, c = s:byte(i, i + 2)
            local n = a * 65536 + (b or 0) * 256 + (c or 0)
            local d1 = math.floor(n / 262144) %% 64
            local d2 = math.floor(n / 4096) %% 64
            local d3 = math.floor(n / 64) %% 64
            local d4 = n %% 64
            out[#out + 1] = alphabet:sub(d1 + 1, d1 + 1) .. alphabet:sub(d2 + 1, d2 + 1)
              .. (b and alphabet:sub(d3 + 1, d3 + 1) or "=")
              .. (c and alphabet:sub(d4 + 1, d4 + 1) or "=")
          end
          return table.concat(out)
        end
        request = function()
          seq = seq + 1
          local key = "/reg/" .. prefix .. "-" .. tid .. "-" .. seq
          local body = '{"key":"' .. b64(key) .. '","value":"%s"}'
          return wrk.format("POST", nil, headers, body)
        end
        """
        .formatted(base64Value);
  }

  static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
    return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
  }

  // ---- reads --------------------------------------------------------------------------------

  static String readLabel(boolean rotate, Options o) {
    return rotate
        ? SERVICE_PATH + "svc-{0.." + (o.services() - 1) + "}"
        : SERVICE_PATH + "svc-17?passing";
  }

  static String rotationScript(int services) {
    return """
        -- Rotates over svc-0 .. svc-%d; each wrk thread starts at a different offset.
        local n = %d
        local offset = 0
        setup = function(thread)
          thread:set("first", offset)
          offset = offset + 7919
        end
        local i = nil
        request = function()
          if i == nil then i = (first or 0) %% n end
          local path = "/v1/health/service/svc-" .. i .. "?passing"
          i = (i + 1) %% n
          return wrk.format(nil, path)
        end
        """
        .formatted(services - 1, services);
  }

  /**
   * A peer's writes with the same wrk command as Cairn's registrations (writers, warm-up, then the
   * timed run), printed as {@code label}; fails the benchmark if any write failed.
   */
  private static WrkResult peerWrites(
      String wrk, Options o, String url, Path lua, String label, String system, String what)
      throws Exception {
    if (o.warmupSeconds() > 0) {
      wrk(wrk, o.wrkThreads(), o.writers(), o.warmupSeconds(), url, lua, List.of(), "warm");
    }
    OtherCpu start = OtherCpu.now();
    WrkResult r =
        wrk(wrk, o.wrkThreads(), o.writers(), o.registrationSeconds(), url, lua, List.of(), "run")
            .measured(noteOther(OtherCpu.since(start)), Double.NaN);
    printWrk(label, system, r);
    if (r.non2xx() > 0) {
      throw new IllegalStateException(r.non2xx() + " " + system + " " + what + " failed");
    }
    return r;
  }

  /** A warm-up run, then the measured one; {@code headers} are wrk's {@code -H} values. */
  static WrkResult wrkMeasured(
      String wrk,
      Options o,
      String url,
      Optional<Path> script,
      List<String> headers,
      DoubleSupplier serverCpuSeconds)
      throws Exception {
    Path lua = script.orElse(null);
    if (o.warmupSeconds() > 0) {
      wrk(wrk, o.wrkThreads(), o.connections(), o.warmupSeconds(), url, lua, headers);
    }
    OtherCpu start = OtherCpu.now();
    double cpu = serverCpuSeconds.getAsDouble();
    WrkResult r = wrk(wrk, o.wrkThreads(), o.connections(), o.readSeconds(), url, lua, headers);
    return r.measured(noteOther(OtherCpu.since(start)), serverCpuSeconds.getAsDouble() - cpu);
  }

  /**
   * Runs wrk once; {@code script} may be null; {@code headers} are sent with every request ({@code
   * -H}, also by the scripts, whose {@code wrk.format} uses them); {@code scriptArgs} follow {@code
   * --}.
   */
  private static WrkResult wrk(
      String wrk,
      int threads,
      int connections,
      int seconds,
      String url,
      Path script,
      List<String> headers,
      String... scriptArgs)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                wrk,
                "-t" + threads,
                "-c" + connections,
                "-d" + seconds + "s",
                "--latency",
                "--timeout",
                "5s"));
    for (String header : headers) {
      command.addAll(List.of("-H", header));
    }
    if (script != null) {
      command.addAll(List.of("-s", script.toString()));
    }
    command.add(url);
    if (scriptArgs.length > 0) {
      command.add("--");
      command.addAll(List.of(scriptArgs));
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    runningWrk.set(p);
    String out;
    try {
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
        throw new IllegalStateException("wrk did not finish");
      }
    } finally {
      p.destroyForcibly();
      runningWrk.compareAndSet(p, null);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed (" + p.exitValue() + "):\n" + out);
    }
    return parseWrk(out);
  }

  /**
   * PUTs a new instance per request: ids are {@code reg-<prefix>-<thread>-<n>}, the prefix (a
   * script argument) keeping the warm-up's ids apart from the measured run's.
   */
  static String registrationScript() {
    return """
        local threads = 0
        setup = function(thread)
          thread:set("tid", threads)
          threads = threads + 1
        end
        local prefix = "run"
        local seq = 0
        local headers = { ["Content-Type"] = "application/json" }
        init = function(args)
          if args[1] then prefix = args[1] end
        end
        request = function()
          seq = seq + 1
          local id = "reg-" .. prefix .. "-" .. tid .. "-" .. seq
          local body = '{"ID":"' .. id .. '","Name":"reg-svc-' .. (seq %% 1000)
            .. '","Address":"10.1.' .. tid .. '.' .. (seq %% 250 + 1)
            .. '","Port":8080,"Tags":["v1"],"Meta":{"version":"1"},"Check":{"CheckID":"'
            .. id .. ':ttl","TTL":"%s","Status":"passing"}}'
          return wrk.format("PUT", nil, headers, body)
        end
        """
        .formatted(TTL);
  }

  static WrkResult parseWrk(String out) {
    Map<String, Double> latency = new HashMap<>();
    Matcher q =
        Pattern.compile("(?m)^\\s+(50|75|90|99)%\\s+([\\d.]+)(us|ms|s|m)\\s*$").matcher(out);
    while (q.find()) {
      double v = Double.parseDouble(q.group(2));
      double ms =
          switch (q.group(3)) {
            case "us" -> v / 1000;
            case "ms" -> v;
            case "s" -> v * 1000;
            default -> v * 60_000;
          };
      latency.put(q.group(1) + "%", ms);
    }
    Matcher rps = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
    Matcher total =
        Pattern.compile("(\\d+) requests in [^,]*, ([\\d.]+)([KMGTP]?)B read").matcher(out);
    Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)").matcher(out);
    Matcher socket = Pattern.compile("Socket errors:\\s*(.*)").matcher(out);
    if (!rps.find() || !total.find()) {
      throw new IllegalStateException("cannot parse wrk output:\n" + out);
    }
    // wrk's sizes are binary (1.50MB is 1.5 * 1024^2 bytes), with two decimals.
    String prefix = total.group(3);
    double unit = Math.pow(1024, prefix.isEmpty() ? 0 : "KMGTP".indexOf(prefix) + 1);
    return new WrkResult(
        Double.parseDouble(rps.group(1)),
        latency,
        Long.parseLong(total.group(1)),
        Double.parseDouble(total.group(2)) * unit,
        non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
        socket.find() ? socket.group(1).strip() : "",
        Double.NaN,
        Double.NaN);
  }

  static void printWrkHeader(String first, String rate) {
    System.out.printf(
        "%-34s %-8s %11s %9s %9s %9s %9s %7s %11s%n",
        first, "server", rate, "p50 ms", "p90 ms", "p99 ms", "errors", "others", "cpu us/req");
  }

  static void printWrk(String label, String server, WrkResult r) {
    String errors = r.non2xx() > 0 ? r.non2xx() + " non-2xx" : "0";
    if (!r.socketErrors().isEmpty()) {
      errors += " (socket: " + r.socketErrors() + ")";
    }
    double cpu = r.serverCpuMicrosPerRequest();
    System.out.printf(
        "%-34s %-8s %11.0f %9.2f %9.2f %9.2f %9s %7s %11s%n",
        label,
        server,
        r.requestsPerSecond(),
        r.p("50%"),
        r.p("90%"),
        r.p("99%"),
        errors,
        OtherCpu.format(r.otherCores()),
        Double.isNaN(cpu) ? "-" : String.format("%.1f", cpu));
  }

  // ---- nginx --------------------------------------------------------------------------------

  private static Process startNginx(String nginx, Path root, int port) throws IOException {
    // Workers run as an unprivileged user when started as root: let them read the files.
    for (Path p : List.of(root.getParent(), root)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    try (var files = Files.walk(root)) {
      for (Path p : files.toList()) {
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    Files.createDirectories(root.resolve("tmp"));
    String conf =
        """
        daemon off;
        master_process on;
        worker_processes auto;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 4096; }
        http {
          access_log off;
          server_tokens off;
          keepalive_requests 1000000;
          client_body_temp_path %1$s/tmp/body;
          proxy_temp_path %1$s/tmp/proxy;
          fastcgi_temp_path %1$s/tmp/fastcgi;
          uwsgi_temp_path %1$s/tmp/uwsgi;
          scgi_temp_path %1$s/tmp/scgi;
          server {
            listen 127.0.0.1:%2$d;
            root %1$s/html;
            default_type application/json;
            etag off;
            add_header X-Consul-Index 3;
            add_header X-Consul-KnownLeader true;
            add_header X-Consul-LastContact 0;
          }
        }
        """
            .formatted(root, port);
    Path file = root.resolve("nginx.conf");
    Files.writeString(file, conf);
    return new ProcessBuilder(
            nginx, "-p", root.toString(), "-e", root + "/error.log", "-c", file.toString())
        .redirectErrorStream(true)
        .redirectOutput(root.resolve("nginx.out").toFile())
        .start();
  }

  private static void awaitNginx(HttpClient http, String url, byte[] body, Process ng, Path root)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      try {
        if (java.util.Arrays.equals(get(http, url), body)) {
          return;
        }
        throw new IllegalStateException("nginx serves a different body than cairn");
      } catch (IOException e) {
        if (!ng.isAlive()) {
          break;
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException(
        "nginx did not come up:\n"
            + ServerProcess.tail(root.resolve("nginx.out"), 20)
            + "\n"
            + ServerProcess.tail(root.resolve("error.log"), 20));
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** A request to {@code url} presenting {@code token} in {@code X-Consul-Token}, if given. */
  static HttpRequest.Builder request(String url, Optional<String> token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    token.ifPresent(t -> b.header("X-Consul-Token", t));
    return b;
  }

  static byte[] get(HttpClient http, String url) throws Exception {
    HttpRequest request = request(url, Optional.empty()).build();
    HttpResponse<byte[]> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (java.net.ConnectException e) {
      // Seen once right after the catalog load: a pooled connect failing on loopback; once more.
      Thread.sleep(100);
      r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + ": HTTP " + r.statusCode());
    }
    return r.body();
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
