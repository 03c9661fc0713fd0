package io.cairn.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The machine a benchmark runs on: its tools, load, free ports and temporary files. */
final class Host {
  private Host() {}

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The program given with its option when executable, else the one on PATH, if any. */
  static Optional<String> executable(Optional<String> given, String program) {
    if (given.isPresent()) {
      return given.filter(g -> Files.isExecutable(Path.of(g)));
    }
    return which(program);
  }

  static Optional<String> which(String program) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin:/sbin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Optional.of(Path.of(dir, program).toString());
      }
    }
    return Optional.empty();
  }

  static String firstLine(String program, String flag) {
    try {
      Process p = new ProcessBuilder(program, flag).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(5, TimeUnit.SECONDS);
      String line = out.lines().findFirst().orElse("").strip();
      Matcher m = Pattern.compile("(\\d+\\.\\d+[\\w.\\-]*)").matcher(line);
      return m.find() ? m.group(1) : line;
    } catch (Exception e) {
      return "?";
    }
  }

  /** The 1-, 5- and 15-minute load averages: other work on the machine skews every figure. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no " + file + ")";
    }
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** SIGTERM, then SIGKILL after the grace period; returns the exit code. */
  static int stop(Process p, String what, Duration grace) throws Exception {
    if (p == null) {
      return 0;
    }
    if (p.isAlive()) {
      p.toHandle().destroy();
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        System.err.println(what + " did not stop within " + grace + "; killing it");
        p.toHandle().destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
    return p.isAlive() ? -1 : p.exitValue();
  }
}
