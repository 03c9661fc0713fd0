package io.cairn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this benchmark's own processes by kind (the driver JVM, the Cairn servers it started,
 * the etcd members), from Linux {@code /proc}: on two shared cores it tells whether a figure was
 * bound by CPU or by waiting. Empty where {@code /proc} is not readable.
 */
final class ProcessCpu {
  /** Clock ticks per second of {@code /proc} times; 100 on every common Linux build. */
  private static final double TICKS = 100.0;

  private final Map<String, Long> ticks;
  private final long nanos;

  private ProcessCpu(Map<String, Long> ticks, long nanos) {
    this.ticks = ticks;
    this.nanos = nanos;
  }

  static ProcessCpu now() {
    Map<String, Long> ticks = new TreeMap<>();
    ticks.put("driver", ticks(ProcessHandle.current().pid()));
    for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
      String command = h.info().command().orElse("");
      String kind =
          command.endsWith("/etcd") ? "etcd" : command.endsWith("java") ? "cairn" : "other";
      ticks.merge(kind, ticks(h.pid()), Long::sum);
    }
    return new ProcessCpu(ticks, System.nanoTime());
  }

  /**
   * "cairn 1.21, etcd 0.45, driver 0.20 cores": cores' worth of CPU each kind used since {@code
   * start}. A process that exited in between is left out.
   */
  static String since(ProcessCpu start) {
    ProcessCpu end = now();
    double seconds = (end.nanos - start.nanos) / 1e9;
    Map<String, Double> cores = new LinkedHashMap<>();
    for (String kind : new String[] {"cairn", "etcd", "driver", "other"}) {
      long used = end.ticks.getOrDefault(kind, 0L) - start.ticks.getOrDefault(kind, 0L);
      if (end.ticks.containsKey(kind) && used > 0) {
        cores.put(kind, used / TICKS / seconds);
      }
    }
    StringBuilder out = new StringBuilder();
    cores.forEach(
        (kind, c) -> out.append(out.isEmpty() ? "" : ", ").append("%s %.2f".formatted(kind, c)));
    return out.append(" cores").toString();
  }

  /**
   * Milliseconds of CPU time the processes of {@code kind} ("cairn", "etcd", "driver") used since
   * {@code start}, at the 10 ms resolution of {@code /proc}; NaN where it cannot be read.
   */
  static double millisSince(ProcessCpu start, String kind) {
    ProcessCpu end = now();
    if (!start.ticks.containsKey(kind) || !end.ticks.containsKey(kind)) {
      return Double.NaN;
    }
    return (end.ticks.get(kind) - start.ticks.get(kind)) * 1000 / TICKS;
  }

  /**
   * Seconds of CPU time (user + system) process {@code pid} and its live descendants have used so
   * far, such as NSD's forked server processes; NaN where {@code /proc} is not readable.
   */
  static double secondsOfTree(long pid) {
    long total = ticks(pid);
    if (total == 0 && !Files.isReadable(Path.of("/proc/" + pid + "/stat"))) {
      return Double.NaN;
    }
    for (ProcessHandle h :
        ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(java.util.List.of())) {
      total += ticks(h.pid());
    }
    return total / TICKS;
  }

  /** utime + stime of one process (its threads included), 0 when it has gone. */
  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // f[0] is field 3 (state); utime and stime are fields 14 and 15.
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
