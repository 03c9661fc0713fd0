package io.cairn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU used on this machine by processes outside this benchmark during a window (Linux {@code
 * /proc}): busy time of all CPUs minus the time of this JVM, of its live descendants and of the
 * children it has reaped. On a shared machine a figure measured while others ran is not a figure of
 * Cairn; printing this makes such runs visible. Empty where {@code /proc} is not readable.
 */
final class OtherCpu {
  /** Clock ticks per second of {@code /proc} times; 100 on every common Linux build. */
  private static final double TICKS = 100.0;

  private final long busy;
  private final long own;
  private final long nanos;

  private OtherCpu(long busy, long own, long nanos) {
    this.busy = busy;
    this.own = own;
    this.nanos = nanos;
  }

  /** A reading now; null where {@code /proc} is not there. */
  static OtherCpu now() {
    try {
      long own = ticks(ProcessHandle.current().pid());
      for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
        own += ticks(h.pid());
      }
      return new OtherCpu(busy(), own, System.nanoTime());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Cores' worth of CPU others used since {@code start} (0.5 = half a core), or NaN. */
  static double since(OtherCpu start) {
    OtherCpu end = now();
    if (start == null || end == null) {
      return Double.NaN;
    }
    double seconds = (end.nanos - start.nanos) / 1e9;
    long others = (end.busy - start.busy) - (end.own - start.own);
    return Math.max(0, others) / TICKS / seconds;
  }

  /** "0.05" cores, or "?" when unknown. */
  static String format(double cores) {
    return Double.isNaN(cores) ? "?" : String.format("%.2f", cores);
  }

  /**
   * Busy ticks of all CPUs that processes account for, plus steal: user, nice, system and steal
   * from the "cpu" line. Interrupt and softirq time are left out: no process is charged for them,
   * and under loopback UDP load the kernel's network softirqs alone take a third of a core on
   * behalf of the benchmark's own processes.
   */
  private static long busy() throws IOException {
    String line = Files.readAllLines(Path.of("/proc/stat")).getFirst();
    String[] f = line.trim().split("\\s+");
    // f[1..8]: user nice system idle iowait irq softirq steal
    return Long.parseLong(f[1])
        + Long.parseLong(f[2])
        + Long.parseLong(f[3])
        + (f.length > 8 ? Long.parseLong(f[8]) : 0);
  }

  /** utime + stime + cutime + cstime of one process, 0 when it has gone. */
  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // f[0] is field 3 (state); utime..cstime are fields 14..17.
      return Long.parseLong(f[11])
          + Long.parseLong(f[12])
          + Long.parseLong(f[13])
          + Long.parseLong(f[14]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
