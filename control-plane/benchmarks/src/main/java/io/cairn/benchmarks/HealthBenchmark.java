package io.cairn.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cairn's own health checking at scale ({@code bin/bench health}), against the packaged server:
 *
 * <ol>
 *   <li>Starts {@code apps} local HTTP servers (this JVM) and registers {@code checks} instances
 *       over the admin API, each with an HTTP check on one of them, all at the same interval.
 *   <li>Once every check passes, measures the server's CPU over a steady window, with the probes it
 *       ran and the writes it made (a steady check should cost none).
 *   <li>Stops {@code down} apps and follows the affected services with blocking queries on {@code
 *       /v1/health/service/NAME?passing}: for every instance, the delay from the stop to the
 *       response without it. Target: the interval + 100 ms.
 *   <li>Restarts them and reports how long until every instance is back.
 * </ol>
 */
final class HealthBenchmark {
  private static final Pattern ID = Pattern.compile("\"ID\":\"(i-\\d+)\"");

  private HealthBenchmark() {}

  record Options(
      int checks,
      int services,
      int apps,
      int down,
      Duration interval,
      int steadySeconds,
      Optional<Path> serverJar,
      List<String> serverJvmOptions) {
    static Options parse(List<String> args) {
      int checks = 10_000;
      int services = 1_000;
      int apps = 50;
      int down = 2;
      Duration interval = Duration.ofSeconds(10);
      int steady = 60;
      Optional<Path> jar = Optional.empty();
      List<String> jvm = new ArrayList<>();
      for (int i = 0; i < args.size(); i++) {
        String value = i + 1 < args.size() ? args.get(i + 1) : "";
        switch (args.get(i)) {
          case "--checks" -> checks = Integer.parseInt(value);
          case "--services" -> services = Integer.parseInt(value);
          case "--apps" -> apps = Integer.parseInt(value);
          case "--down" -> down = Integer.parseInt(value);
          case "--interval-seconds" -> interval = Duration.ofSeconds(Integer.parseInt(value));
          case "--steady-seconds" -> steady = Integer.parseInt(value);
          case "--server-jar" -> jar = Optional.of(Path.of(value));
          case "--server-jvm-option" -> jvm.add(value);
          default -> throw new IllegalArgumentException("unknown option " + args.get(i));
        }
        i++;
      }
      if (services % apps != 0 || checks % services != 0 || down > apps) {
        throw new IllegalArgumentException(
            "--apps must divide --services, --services must divide --checks, --down <= --apps");
      }
      return new Options(checks, services, apps, down, interval, steady, jar, List.copyOf(jvm));
    }
  }

  static void run(List<String> args) throws Exception {
    Options o = Options.parse(args);
    Cleanup.around(cleanup -> run(o, cleanup));
  }

  private static void run(Options o, Cleanup cleanup) throws Exception {
    Path tmp = cleanup.tempDirectory("cairn-health-bench-");
    System.out.printf(
        "health checking: %d cores, JDK %s, %s%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    System.out.printf(
        "%d HTTP checks every %ds on %d local apps (this JVM); %d services x %d instances%n",
        o.checks(), o.interval().toSeconds(), o.apps(), o.services(), o.checks() / o.services());

    HttpServer[] apps = new HttpServer[o.apps()];
    int[] appPorts = new int[o.apps()];
    ExecutorService appThreads = Executors.newVirtualThreadPerTaskExecutor();
    cleanup.add(appThreads::shutdownNow);
    for (int a = 0; a < apps.length; a++) {
      apps[a] = app(0, appThreads);
      appPorts[a] = apps[a].getAddress().getPort();
      HttpServer started = apps[a];
      cleanup.add(() -> started.stop(0));
    }

    ServerProcess server =
        ServerProcess.start(
            o.serverJar().orElseGet(ServerProcess::defaultJar),
            tmp.resolve("data"),
            tmp.resolve("cairn.log"),
            o.serverJvmOptions(),
            List.of());
    cleanup.add(() -> server.stop(Duration.ofSeconds(30)));
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    server.awaitReady(http, Duration.ofSeconds(60));
    System.out.printf("cairn pid %d on %s%n", server.pid(), server.base());

    // 1. Registrations; every check starts critical (Consul's default) until its first probe.
    long t0 = System.nanoTime();
    register(http, server.base(), o, appPorts);
    System.out.printf(
        "registered %d instances with HTTP checks in %.1f s%n", o.checks(), seconds(t0));
    awaitCritical(http, server.base(), 0, Duration.ofMinutes(3));
    System.out.printf("every check passing %.1f s after registration began%n", seconds(t0));

    // 2. Steady state: a full interval for first outputs to settle, then the window.
    Thread.sleep(o.interval().toMillis() + 1_000);
    Map<String, Double> before = server.scrape(http);
    double cpuBefore = server.cpuSeconds();
    OtherCpu others = OtherCpu.now();
    long windowStart = System.nanoTime();
    Thread.sleep(o.steadySeconds() * 1000L);
    double window = seconds(windowStart);
    double cores = (server.cpuSeconds() - cpuBefore) / window;
    double otherCores = OtherCpu.since(others);
    Map<String, Double> after = server.scrape(http);
    List<String> samples = server.samples(http);
    double probes = HttpBenchmark.delta(before, after, "cairn_health_probes_total") / window;
    double writes = HttpBenchmark.delta(before, after, "cairn_registry_index");
    System.out.printf(
        "steady %.0f s: cairn CPU %.3f cores (%.1f%% of %d), %.0f probes/s, %.0f writes,"
            + " probe p50 %.2f ms p99 %.2f ms, RSS %.0f MiB; other processes %s cores%n",
        window,
        cores,
        100 * cores / Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().availableProcessors(),
        probes,
        writes,
        1000 * quantile(samples, "cairn_health_probe_duration_seconds", "0.5"),
        1000 * quantile(samples, "cairn_health_probe_duration_seconds", "0.99"),
        server.residentMib(),
        OtherCpu.format(otherCores));

    // 3. Apps go down; every affected instance must leave ?passing within an interval + 100 ms.
    List<String> watched = new ArrayList<>();
    for (int s = 0; s < o.services(); s++) {
      if (s % o.apps() < o.down()) {
        watched.add("svc-" + s);
      }
    }
    int affected = watched.size() * (o.checks() / o.services());
    Map<String, Long> gone = new ConcurrentHashMap<>();
    Map<String, Long> dnsEmpty = new ConcurrentHashMap<>();
    int dnsPort = server.loggedPort(ServerProcess.DNS_PORT);
    List<Thread> watchers = new ArrayList<>();
    for (String service : watched) {
      watchers.add(Thread.ofVirtual().start(() -> watch(http, server.base(), service, gone)));
      watchers.add(Thread.ofVirtual().start(() -> watchDns(dnsPort, service, dnsEmpty)));
    }
    // Give the watchers their first (immediate) answers before anything stops.
    Thread.sleep(1_000);
    long stoppedAt = System.nanoTime();
    for (int a = 0; a < o.down(); a++) {
      apps[a].stop(0);
    }
    for (Thread w : watchers) {
      w.join(o.interval().multipliedBy(3).toMillis());
    }
    watchers.forEach(Thread::interrupt);
    long[] delays = new long[gone.size()];
    int n = 0;
    for (long at : gone.values()) {
      delays[n++] = at - stoppedAt;
    }
    Arrays.sort(delays);
    double targetMs = o.interval().toMillis() + 100;
    double maxMs = delays.length == 0 ? Double.NaN : delays[delays.length - 1] / 1e6;
    Map<String, Double> afterDown = server.scrape(http);
    List<String> downSamples = server.samples(http);
    System.out.printf(
        "%d apps stopped: %d of %d affected instances left ?passing; delay p50 %.0f ms,"
            + " p99 %.0f ms, max %.0f ms (target <= %.0f ms: %s)%n",
        o.down(),
        delays.length,
        affected,
        LatencyRecorder.quantileMillis(delays, 0.5),
        LatencyRecorder.quantileMillis(delays, 0.99),
        maxMs,
        targetMs,
        delays.length == affected && maxMs <= targetMs ? "met" : "MISSED");
    System.out.printf(
        "probe result -> status readable (cairn_health_update_latency): p50 %.2f ms, p99 %.2f ms,"
            + " max %.2f ms%n",
        1000 * quantile(downSamples, "cairn_health_update_latency_seconds", "0.5"),
        1000 * quantile(downSamples, "cairn_health_update_latency_seconds", "0.99"),
        1000 * afterDown.getOrDefault("cairn_health_update_latency_seconds_max", Double.NaN));

    // The same departures seen through DNS: per service, when its name stopped answering,
    // compared with when its last instance left ?passing.
    List<Long> lags = new ArrayList<>();
    for (String service : watched) {
      long httpEmpty =
          gone.entrySet().stream()
              .filter(e -> e.getKey().startsWith("i-") && serviceOf(e.getKey(), o).equals(service))
              .mapToLong(Map.Entry::getValue)
              .max()
              .orElse(0);
      Long dns = dnsEmpty.get(service);
      if (dns != null && httpEmpty != 0) {
        lags.add(dns - httpEmpty);
      }
    }
    long[] dnsLag = lags.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        "DNS (%s.service.cairn polled every 10 ms): %d of %d services emptied; after ?passing"
            + " emptied by p50 %.0f ms, max %.0f ms (negative: DNS first)%n",
        watched.getFirst(),
        dnsLag.length,
        watched.size(),
        LatencyRecorder.quantileMillis(dnsLag, 0.5),
        dnsLag.length == 0 ? Double.NaN : dnsLag[dnsLag.length - 1] / 1e6);

    // 4. They come back.
    long restartAt = System.nanoTime();
    for (int a = 0; a < o.down(); a++) {
      apps[a] = app(appPorts[a], appThreads);
      HttpServer restarted = apps[a];
      cleanup.add(() -> restarted.stop(0));
    }
    awaitCritical(http, server.base(), 0, o.interval().multipliedBy(3));
    System.out.printf(
        "apps restarted: every instance passing again after %.1f s (interval %ds)%n",
        seconds(restartAt), o.interval().toSeconds());
    System.out.printf(
        "%nsummary: %d checks/%ds: cairn %.3f cores; down -> out of ?passing max %.0f ms"
            + " (target %.0f ms)%n",
        o.checks(), o.interval().toSeconds(), cores, maxMs, targetMs);
  }

  /** A local app answering 200 on every path, on {@code port} (0 for any). */
  private static HttpServer app(int port, ExecutorService threads) throws Exception {
    HttpServer app =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
    app.setExecutor(threads);
    app.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    app.start();
    return app;
  }

  private static void register(HttpClient http, String base, Options o, int[] appPorts)
      throws Exception {
    Semaphore inFlight = new Semaphore(64);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < o.checks(); i++) {
        int service = i % o.services();
        int port = appPorts[service % o.apps()];
        String body =
            """
            {"ID":"i-%d","Name":"svc-%d","Address":"127.0.0.1","Port":%d,
             "Check":{"HTTP":"http://127.0.0.1:%d/health/%d","Interval":"%ds","Timeout":"2s"}}"""
                .formatted(i, service, port, port, i, o.interval().toSeconds());
        inFlight.acquire();
        pool.execute(
            () -> {
              try {
                HttpResponse<String> r =
                    http.send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/agent/service/register"))
                            .PUT(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                  throw new IllegalStateException("register: " + r.statusCode() + " " + r.body());
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              } finally {
                inFlight.release();
              }
            });
      }
    }
  }

  /** Waits until {@code /v1/health/state/critical} lists {@code count} checks; returns when. */
  private static long awaitCritical(HttpClient http, String base, int count, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create(base + "/v1/health/state/critical")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      int critical = HttpBenchmark.count(body, "\"CheckID\"");
      if (critical == count) {
        return System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            critical + " checks still critical after " + timeout + " (wanted " + count + ")");
      }
      Thread.sleep(200);
    }
  }

  /**
   * Follows {@code service}'s passing instances with blocking queries, noting when each one first
   * goes missing, until none is left or the thread is interrupted.
   */
  private static void watch(HttpClient http, String base, String service, Map<String, Long> gone) {
    String index = "0";
    Set<String> seen = new HashSet<>();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            base
                                + "/v1/health/service/"
                                + service
                                + "?passing&wait=30s&index="
                                + index))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        long now = System.nanoTime();
        index = r.headers().firstValue("X-Consul-Index").orElse(index);
        Set<String> passing = new HashSet<>();
        Matcher m = ID.matcher(r.body());
        while (m.find()) {
          passing.add(m.group(1));
        }
        for (String id : seen) {
          if (!passing.contains(id)) {
            gone.putIfAbsent(id, now);
          }
        }
        seen.addAll(passing);
        if (passing.isEmpty() && !seen.isEmpty()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      System.err.println("watch " + service + ": " + e);
    }
  }

  /** The largest value of {@code name}'s {@code quantile} across its label sets. */
  private static String serviceOf(String instanceId, Options o) {
    return "svc-" + Integer.parseInt(instanceId.substring(2)) % o.services();
  }

  /** Asks for {@code service}'s SRV records every 10 ms and notes when none are left. */
  private static void watchDns(int port, String service, Map<String, Long> empty) {
    try {
      org.xbill.DNS.SimpleResolver resolver = new org.xbill.DNS.SimpleResolver("127.0.0.1");
      resolver.setPort(port);
      resolver.setTimeout(Duration.ofSeconds(1));
      org.xbill.DNS.Name name = org.xbill.DNS.Name.fromString(service + ".service.cairn.");
      while (!Thread.currentThread().isInterrupted()) {
        org.xbill.DNS.Message reply =
            resolver.send(
                org.xbill.DNS.Message.newQuery(
                    org.xbill.DNS.Record.newRecord(
                        name, org.xbill.DNS.Type.SRV, org.xbill.DNS.DClass.IN)));
        if (reply.getSection(org.xbill.DNS.Section.ANSWER).isEmpty()) {
          empty.putIfAbsent(service, System.nanoTime());
          return;
        }
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      System.err.println("dns watch " + service + ": " + e);
    }
  }

  private static double quantile(List<String> samples, String name, String q) {
    double worst = Double.NaN;
    for (String line : samples) {
      if (line.startsWith(name + "{") && line.contains("quantile=\"" + q + "\"")) {
        double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        worst = Double.isNaN(worst) ? v : Math.max(worst, v);
      }
    }
    return worst;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
