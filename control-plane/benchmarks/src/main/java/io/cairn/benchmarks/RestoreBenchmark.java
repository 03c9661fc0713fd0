package io.cairn.benchmarks;

import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.TtlCheck;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * Recovery time: fills a store with N instances (each with a TTL check), then opens it in fresh
 * JVMs, as a restart does, and reports how long the registry took to restore (from opening the
 * store, logging already set up; elapsed and CPU time of all threads) and how long the JVM took
 * from launch to a restored registry. The peer figure is reading the same rows with plain JDBC in
 * the same fresh JVM, the floor any SQLite-backed restore has.
 */
final class RestoreBenchmark {
  private RestoreBenchmark() {}

  static void run(List<String> args) throws Exception {
    int instances = 100_000;
    int runs = 3;
    List<String> jvmOptions = new ArrayList<>();
    for (int i = 0; i < args.size(); i += 2) {
      switch (args.get(i)) {
        case "--instances" -> instances = Integer.parseInt(args.get(i + 1));
        case "--runs" -> runs = Integer.parseInt(args.get(i + 1));
        case "--child-jvm-option" -> jvmOptions.add(args.get(i + 1));
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    Path dir = Files.createTempDirectory("cairn-restore-");
    long fillStart = System.nanoTime();
    fill(dir, instances);
    System.out.printf(
        "restore: %d instances + %d checks written in %.1f s; %d cores, %s%n",
        instances,
        instances,
        (System.nanoTime() - fillStart) / 1e9,
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    System.out.printf(
        "%-5s %14s %16s %16s %18s %14s%n",
        "run", "restore ms", "restore cpu ms", "jvm-to-ready ms", "peer read-only ms", "ratio");
    for (int r = 1; r <= runs; r++) {
      Map<String, Long> child = child(dir, jvmOptions);
      System.out.printf(
          "%-5d %14d %16d %16d %18d %13.1fx%n",
          r,
          child.get("restore"),
          child.get("cpu"),
          child.get("ready"),
          child.get("peer"),
          child.get("restore") / (double) Math.max(1, child.get("peer")));
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void fill(Path dir, int instances) {
    try (Registry registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry())) {
      List<CompletableFuture<?>> pending = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        String id = "svc-" + (i % 10_000) + "-" + i;
        ServiceInstance instance =
            ServiceInstance.builder(id, "svc-" + (i % 10_000))
                .address("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255))
                .port(8080)
                .tags("v1", "primary")
                .meta(Map.of("version", "1.4.2"))
                .build();
        HealthCheck check =
            HealthCheck.of(
                id + ":ttl", "ttl", id, new TtlCheck(Duration.ofSeconds(30)), HealthStatus.PASSING);
        pending.add(registry.submit(new RegisterInstance(instance, List.of(check), false)));
        if (pending.size() == 10_000) {
          pending.forEach(CompletableFuture::join);
          pending.clear();
        }
      }
      pending.forEach(CompletableFuture::join);
    }
  }

  /** Runs {@link #main} in a fresh JVM and parses its "key value" lines. */
  private static Map<String, Long> child(Path dir, List<String> jvmOptions) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            RestoreBenchmark.class.getName(),
            dir.toString()));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Map<String, Long> values = new java.util.HashMap<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        // Other lines (a flight recording's notice, say) are the JVM's, passed on as they are.
        if (line.matches("[a-z]+ [0-9]+")) {
          String[] kv = line.split(" ");
          values.put(kv[0], Long.parseLong(kv[1]));
        } else {
          System.out.println(line);
        }
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("restore child failed");
    }
    return values;
  }

  /** The child: restore the registry, then read the same rows with plain JDBC. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    // A server has its logging set up before it opens the store: that is part of "ready", not of
    // the restore.
    LoggerFactory.getLogger(RestoreBenchmark.class);
    // CPU time of every thread (JIT compilers and GC included): steadier than elapsed time on a
    // machine shared with other work.
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    long count;
    try (Registry registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry())) {
      RegistrySnapshot s = registry.snapshot();
      count = s.instanceCount();
    }
    long restored = System.nanoTime();
    long cpu = os.getProcessCpuTime() - cpu0;
    long sinceLaunch =
        System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    long rows = 0;
    long peerStart = System.nanoTime();
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cairn.db"));
        var s = c.createStatement();
        var rs =
            s.executeQuery("SELECT tbl, key, create_index, modify_index, value FROM records")) {
      while (rs.next()) {
        rs.getString(1);
        rs.getString(2);
        rs.getLong(3);
        rs.getLong(4);
        rs.getBytes(5);
        rows++;
      }
    }
    long peer = System.nanoTime() - peerStart;
    if (count == 0 || rows == 0) {
      throw new IllegalStateException("nothing restored");
    }
    System.out.println("restore " + (restored - t0) / 1_000_000);
    System.out.println("cpu " + cpu / 1_000_000);
    System.out.println("ready " + sinceLaunch);
    System.out.println("peer " + peer / 1_000_000);
  }
}
