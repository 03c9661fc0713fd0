package io.cairn.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Every benchmark in turn ({@code bin/bench all}, {@code bench/run-all.sh}), each in a JVM of its
 * own, then one Markdown report: the machine, and per benchmark the exact command, its headline
 * figures (with the peer ratios the benchmark prints) and its whole output. Quick mode shrinks
 * every benchmark so the lot runs in a few minutes (CI runs it so they keep working); full mode is
 * the real measurement. Exits non-zero if any benchmark failed.
 */
final class RunAll {
  /**
   * One benchmark: its name, arguments in full and quick mode, and the output lines that make the
   * headline.
   */
  private record Step(String name, List<String> full, List<String> quick, Pattern headline) {}

  private static final List<Step> STEPS =
      List.of(
          new Step(
              "registrations",
              List.of(),
              List.of("--seconds", "3", "--warmup", "1", "--writers", "1,64"),
              Pattern.compile("^writers=.*")),
          new Step(
              "restore",
              List.of("--instances", "100000", "--runs", "3"),
              List.of("--instances", "10000", "--runs", "1"),
              Pattern.compile("^(restore:|\\d+ ).*")),
          new Step(
              "memory",
              List.of("--instances", "100000", "--server-jvm-option", "-Xmx384m"),
              List.of("--instances", "3000"),
              Pattern.compile("^memory.*")),
          new Step(
              "ca",
              List.of("--rounds", "3"),
              List.of("--services", "50", "--rounds", "1"),
              Pattern.compile("^(ec-256|rsa-2048) .*")),
          new Step(
              "http",
              List.of(),
              List.of(
                  "--services",
                  "200",
                  "--seconds",
                  "5",
                  "--warmup",
                  "2",
                  "--registration-seconds",
                  "3",
                  // Spring Boot's start-up alone would add a minute or more to CI's quick run.
                  "--eureka",
                  "off"),
              Pattern.compile("^(reads,|registrations,).*")),
          new Step(
              "http-acl",
              List.of(),
              List.of("--services", "100", "--seconds", "2", "--warmup", "1"),
              Pattern.compile("^acl reads,.*")),
          new Step(
              "dns",
              List.of(),
              List.of("--services", "200", "--seconds", "5", "--warmup", "2", "--attempts", "1"),
              Pattern.compile("^(peak:|ratio:|per server core:|at |cpu at ).*")),
          new Step(
              "health",
              List.of(),
              List.of(
                  "--checks",
                  "1000",
                  "--services",
                  "100",
                  "--apps",
                  "10",
                  "--down",
                  "1",
                  "--interval-seconds",
                  "2",
                  "--steady-seconds",
                  "10"),
              Pattern.compile("^(summary:|DNS |probe result).*")),
          new Step(
              "xds-build",
              List.of(),
              List.of("--services", "2000", "--runs", "3"),
              Pattern.compile("^(full build|one instance).*")),
          new Step(
              "xds-fanout",
              List.of("--rounds", "8"),
              List.of("--streams", "200", "--rounds", "3"),
              Pattern.compile("(?i)^(round|server rss|server heap).*")),
          new Step(
              "xds-fanout-sidecars",
              List.of("--rounds", "8", "--sidecars"),
              List.of("--streams", "200", "--rounds", "3", "--sidecars"),
              Pattern.compile("(?i)^(round|server rss|server heap).*")),
          new Step(
              "cluster",
              List.of(),
              List.of("--quick"),
              Pattern.compile("^(registrations, \\d+ writers:|propagation,).*")),
          new Step("kv", List.of(), List.of("--quick"), Pattern.compile("^kv (puts|fan-out), .*")),
          new Step(
              "durability",
              List.of("--runs", "20"),
              List.of("--runs", "3"),
              Pattern.compile("(?i)^durability: \\d+ sigkills.*")),
          new Step(
              "faults",
              List.of("--seconds", "30"),
              List.of("--seconds", "4"),
              Pattern.compile("^(fsync|pwrite|short writes|ENOSPC|SQLITE_BUSY): .*")));

  /**
   * Full mode only: fan-out at 10,000 streams (issue 21's scale target), a few minutes each and
   * more memory than CI should spend.
   */
  private static final List<Step> FULL_ONLY =
      List.of(
          new Step(
              "xds-fanout-10k",
              List.of("--streams", "10000", "--rounds", "3"),
              List.of(),
              Pattern.compile("(?i)^(round|server rss|server heap).*")),
          new Step(
              "xds-fanout-10k-sidecars",
              List.of("--streams", "10000", "--rounds", "3", "--sidecars"),
              List.of(),
              Pattern.compile("(?i)^(round|server rss|server heap).*")));

  private static final Step SOAK =
      new Step(
          "soak",
          List.of("--minutes", "30", "--sample-seconds", "30"),
          List.of("--minutes", "1", "--sample-seconds", "10"),
          Pattern.compile("(?i)^soak: .*operations/s.*"));

  private RunAll() {}

  private static Step step(String name) {
    return STEPS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  static void run(List<String> args) throws Exception {
    boolean quick = false;
    boolean soak = false;
    Optional<Path> report = Optional.empty();
    Optional<Set<String>> only = Optional.empty();
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--quick" -> quick = true;
        case "--soak" -> soak = true;
        case "--report" -> report = Optional.of(Path.of(args.get(++i)));
        case "--only" -> only = Optional.of(Set.of(args.get(++i).split(",")));
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    List<Step> steps = new ArrayList<>(STEPS);
    if (!quick) {
      steps.addAll(steps.indexOf(step("xds-fanout-sidecars")) + 1, FULL_ONLY);
    }
    if (soak || quick) {
      steps.add(SOAK);
    }
    Set<String> chosen = only.orElse(null);
    if (chosen != null) {
      steps.removeIf(s -> !chosen.contains(s.name()));
    }
    Path out =
        report.orElse(
            Path.of(quick ? "target/benchmark-report-quick.md" : "docs/benchmark-report.md"));
    List<String> results = new ArrayList<>();
    List<String> sections = new ArrayList<>();
    int failed = 0;
    long allStarted = System.nanoTime();
    for (int n = 0; n < steps.size(); n++) {
      Step step = steps.get(n);
      List<String> stepArgs = quick ? step.quick() : step.full();
      String benchmark = step.name().startsWith("xds-fanout") ? "xds-fanout" : step.name();
      String command =
          "bin/bench " + benchmark + (stepArgs.isEmpty() ? "" : " " + String.join(" ", stepArgs));
      // "[3/11] dns": where the run is, since a full run is silent for minutes per benchmark.
      String position = "[%d/%d] %s".formatted(n + 1, steps.size(), step.name());
      System.out.printf(
          "== %s: %s (%.1f min into the run)%n",
          position, command, (System.nanoTime() - allStarted) / 60e9);
      long started = System.nanoTime();
      Run r =
          runOne(
              benchmark,
              stepArgs,
              quick ? Duration.ofMinutes(5) : Duration.ofMinutes(60),
              position);
      double seconds = (System.nanoTime() - started) / 1e9;
      if (r.exit() != 0) {
        failed++;
      }
      List<String> headline =
          r.output().lines().filter(l -> step.headline().matcher(l).matches()).toList();
      results.add(
          "| %s | %s | %.0f s | %s |"
              .formatted(
                  step.name(),
                  r.exit() == 0 ? "ok" : "**failed (exit " + r.exit() + ")**",
                  seconds,
                  String.join("<br>", headline).replace("|", "\\|")));
      sections.add(
          """
          ## %s

          `%s` (exit %d, %.0f s)

          ```
          %s
          ```
          """
              .formatted(step.name(), command, r.exit(), seconds, r.output().strip()));
      System.out.print(r.output());
      System.out.printf(
          "== %s: %s in %.0f s%n",
          position, r.exit() == 0 ? "ok" : "FAILED (exit " + r.exit() + ")", seconds);
    }
    double minutes = (System.nanoTime() - allStarted) / 60e9;
    String text =
        """
        # Cairn benchmark report (%s)

        Generated by `bench/run-all.sh%s` on %s in %.1f minutes. Each benchmark ran in a JVM of its
        own, one after another, with its peer (NSD, nginx, SQLite, plain JDBC, etcd) in the same run where
        it has one. Narrative and targets: [benchmarks.md](benchmarks.md).

        %s

        | benchmark | result | time | headline (the benchmark's own lines) |
        |---|---|---|---|
        %s

        %s
        """
            .formatted(
                quick ? "quick" : "full",
                quick ? " --quick" : soak ? " --soak" : "",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                minutes,
                machine(),
                String.join("\n", results),
                String.join("\n", sections));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, text, StandardCharsets.UTF_8);
    System.out.printf(
        "report: %s (%d benchmarks, %d failed, %.1f min)%n", out, steps.size(), failed, minutes);
    if (failed > 0) {
      System.exit(1);
    }
  }

  private record Run(int exit, String output) {}

  /**
   * One benchmark in a fresh JVM: its standard output, or the reason it did not finish. Prints a
   * line a minute while it runs, so a long benchmark is visibly alive.
   */
  private static Run runOne(String name, List<String> args, Duration timeout, String position)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path self = Path.of(RunAll.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> command =
        new ArrayList<>(
            List.of(java, "--enable-native-access=ALL-UNNAMED", "-jar", self.toString(), name));
    command.addAll(args);
    Path stdout = Files.createTempFile("cairn-bench-" + name + "-", ".out");
    Path stderr = Files.createTempFile("cairn-bench-" + name + "-", ".err");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
      long started = System.nanoTime();
      long deadline = started + timeout.toNanos();
      while (p.isAlive() && System.nanoTime() < deadline) {
        if (!p.waitFor(
            Math.min(60_000_000_000L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          System.out.printf(
              "== %s: running, %.0f min so far%n", position, (System.nanoTime() - started) / 60e9);
        }
      }
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor();
        return new Run(124, Files.readString(stdout) + "\n(timed out after " + timeout + ")");
      }
      String output = Files.readString(stdout);
      if (p.exitValue() != 0) {
        output += "\n--- stderr (last lines) ---\n" + Host.tail(stderr, 30);
      }
      return new Run(p.exitValue(), output);
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  /** Machine, kernel, JDK and the server's JVM flags, for the report's reader. */
  private static String machine() {
    String cpu = firstMatching(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
    String memory = firstMatching(Path.of("/proc/meminfo"), "MemTotal").orElse("");
    String format =
        "Machine: %s, %d cores, %s; %s %s; JDK %s (%s); server JVM flags as `bin/cairn`:"
            + " `--enable-native-access=ALL-UNNAMED -XX:MaxGCPauseMillis=20"
            + " -XX:G1PeriodicGCInterval=30000`, default heap; load"
            + " average before the run %s.";
    return format.formatted(
        cpu.replaceAll(".*:\\s*", ""),
        Runtime.getRuntime().availableProcessors(),
        memory.replaceAll("MemTotal:\\s*", "RAM "),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        Runtime.version(),
        System.getProperty("java.vm.name"),
        Host.loadAverage());
  }

  private static Optional<String> firstMatching(Path file, String prefix) {
    try {
      return Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix)).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
