package io.cairn.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged server run as an operator runs it (a separate JVM with {@code bin/cairn}'s options),
 * for benchmarks that measure it from outside: its port, readiness, metrics, CPU time and log.
 */
final class ServerProcess {
  private static final Pattern PORT = Pattern.compile("admin API listening.*port=\"?(\\d+)");

  /** What the server logs once its DNS sockets are bound. */
  static final Pattern DNS_PORT = Pattern.compile("DNS listening.*udp-port=\"?(\\d+)");

  /** What the server logs once its xDS port is bound. */
  static final Pattern XDS_PORT = Pattern.compile("xDS listening.*port=\"?(\\d+)");

  private final Process process;
  private final Path log;
  private int port;

  private ServerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** {@code control-plane/server/target/cairn.jar}, next to this benchmark's own jar. */
  static Path defaultJar() {
    try {
      Path self =
          Path.of(ServerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // control-plane/benchmarks/target/cairn-benchmarks.jar -> control-plane/server/target
      return self.getParent()
          .getParent()
          .getParent()
          .resolve("server")
          .resolve("target")
          .resolve("cairn.jar");
    } catch (Exception e) {
      return Path.of("control-plane/server/target/cairn.jar");
    }
  }

  /**
   * Starts {@code cairn server} on a free loopback HTTP port with its data in {@code data} and its
   * output in {@code log}; {@code serverArgs} are extra flags for the server.
   */
  static ServerProcess start(
      Path jar, Path data, Path log, List<String> jvmOptions, List<String> serverArgs)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "server jar not found: " + jar + " (build it: ./mvnw -DskipTests install)");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    // The JVM options bin/cairn runs the server with, then any given for this run.
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-XX:MaxGCPauseMillis=20",
                "-XX:G1PeriodicGCInterval=30000"));
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "server",
            "--data-dir",
            data.toString(),
            "--http-port",
            "0",
            "--http-address",
            "127.0.0.1",
            "--xds-port",
            "0",
            "--dns-port",
            "0"));
    command.addAll(serverArgs);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
    return new ServerProcess(pb.start(), log);
  }

  /**
   * The default jar with its data in {@code dir/data} and its log in {@code dir/<log>}, stopped by
   * {@code cleanup}, ready when this returns.
   */
  static ServerProcess ready(Cleanup cleanup, Path dir, String log, HttpClient http)
      throws Exception {
    ServerProcess server =
        start(defaultJar(), dir.resolve("data"), dir.resolve(log), List.of(), List.of());
    cleanup.add(() -> server.stop(Duration.ofSeconds(30)));
    server.awaitReady(http, Duration.ofSeconds(60));
    return server;
  }

  /**
   * The default jar with extra server flags, its data in {@code dir/data} and its log in {@code
   * dir/<log>}, stopped by {@code cleanup}; not waited for, so several can start side by side (call
   * {@link #awaitReady}).
   */
  static ServerProcess started(Cleanup cleanup, Path dir, String log, List<String> serverArgs)
      throws IOException {
    Files.createDirectories(dir);
    ServerProcess server =
        start(defaultJar(), dir.resolve("data"), dir.resolve(log), List.of(), serverArgs);
    cleanup.add(() -> server.stop(Duration.ofSeconds(30)));
    return server;
  }

  Process process() {
    return process;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** The admin API's loopback address, once {@link #awaitReady} returned. */
  InetSocketAddress httpAddress() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** {@code http://127.0.0.1:PORT}, once {@link #awaitReady} returned. */
  String base() {
    return "http://127.0.0.1:" + port;
  }

  /** Waits for the logged port, then for {@code GET /health} to answer 200. */
  void awaitReady(HttpClient http, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (port == 0) {
      if (Files.exists(log)) {
        Matcher m = PORT.matcher(Files.readString(log));
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
          break;
        }
      }
      checkAlive(deadline, "log its port");
      Thread.sleep(50);
    }
    while (true) {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base() + "/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not yet
      }
      checkAlive(deadline, "answer GET /health");
      Thread.sleep(100);
    }
  }

  private void checkAlive(long deadline, String what) {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "cairn exited with " + process.exitValue() + ":\n" + tail(30));
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("cairn did not " + what + " in time:\n" + tail(30));
    }
  }

  /** The sample lines of {@code /metrics} ({@code name{labels} value}); empty if unreachable. */
  List<String> samples(HttpClient http) {
    try {
      String text =
          http.send(
                  HttpRequest.newBuilder(URI.create(base() + "/metrics"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
              .body();
      return text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    } catch (Exception e) {
      System.err.println("metrics scrape failed: " + e);
      return List.of();
    }
  }

  /** Every sample of {@code /metrics}, summed over labels, by metric name. */
  Map<String, Double> scrape(HttpClient http) {
    Map<String, Double> out = new HashMap<>();
    for (String line : samples(http)) {
      int space = line.lastIndexOf(' ');
      String key = line.substring(0, space);
      int brace = key.indexOf('{');
      String name = brace < 0 ? key : key.substring(0, brace);
      try {
        out.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
      } catch (NumberFormatException e) {
        // not a plain sample
      }
    }
    return out;
  }

  /** The first number the log shows for {@code pattern}'s group 1 (a port it logged). */
  int loggedPort(Pattern pattern) throws IOException {
    Matcher m = pattern.matcher(Files.readString(log));
    if (!m.find()) {
      throw new IllegalStateException("no " + pattern + " in the log:\n" + tail(20));
    }
    return Integer.parseInt(m.group(1));
  }

  /** CPU seconds (user + system) the server used so far, from {@code /proc}; NaN elsewhere. */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // Fields after the command name, which is in parentheses and may contain spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Resident memory of the server in MiB, from {@code /proc}; NaN elsewhere. */
  double residentMib() {
    return statusMib("VmRSS:");
  }

  /** The most the server's resident set has been (VmHWM), in MiB; NaN where unknown. */
  double peakResidentMib() {
    return statusMib("VmHWM:");
  }

  private double statusMib(String field) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return Double.NaN;
  }

  private static final Pattern HEAP_INFO = Pattern.compile("committed (\\d+)K, used (\\d+)K");

  /** The Java heap in use and committed, in MiB, as {@code jcmd GC.heap_info} reports it. */
  record Heap(long usedMib, long committedMib) {
    @Override
    public String toString() {
      return "%d MiB used, %d MiB committed".formatted(usedMib, committedMib);
    }
  }

  /**
   * The server's Java heap after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}): what
   * it holds live, apart from garbage and the heap G1 keeps committed. Empty if jcmd failed.
   */
  Optional<Heap> heapAfterFullGc() {
    Path jcmd =
        Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
    try {
      jcmd(jcmd, "GC.run");
      Matcher m = HEAP_INFO.matcher(jcmd(jcmd, "GC.heap_info"));
      if (m.find()) {
        return Optional.of(
            new Heap(Long.parseLong(m.group(2)) / 1024, Long.parseLong(m.group(1)) / 1024));
      }
      System.err.println("GC.heap_info not understood");
    } catch (IOException e) {
      System.err.println("jcmd failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }

  /** {@link #heapAfterFullGc} as a line of a report. */
  String heapAfterGc() {
    return "server heap after a full GC: "
        + heapAfterFullGc().map(Heap::toString).orElse("unknown (see stderr)");
  }

  private String jcmd(Path jcmd, String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  String tail(int lines) {
    return tail(log, lines);
  }

  static String tail(Path file, int lines) {
    return Host.tail(file, lines);
  }

  /** SIGTERM, then SIGKILL after the grace period; returns the exit code. */
  int stop(Duration grace) throws Exception {
    return Host.stop(process, "cairn", grace);
  }
}
