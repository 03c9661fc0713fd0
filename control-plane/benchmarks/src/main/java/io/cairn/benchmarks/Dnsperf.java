package io.cairn.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs dnsperf (the DNS-OARC load generator, Debian package dnsperf) and reads its report. */
final class Dnsperf {
  private static final Pattern QPS = Pattern.compile("Queries per second:\\s+([\\d.]+)");
  private static final Pattern SENT = Pattern.compile("Queries sent:\\s+(\\d+)");
  private static final Pattern LOST = Pattern.compile("Queries lost:\\s+(\\d+)");
  private static final Pattern AVERAGE = Pattern.compile("Average Latency \\(s\\):\\s+([\\d.]+)");
  private static final Pattern CODES = Pattern.compile("Response codes:\\s+(.*)");

  /** The dnsperf being waited for, stopped by the cleanup when the benchmark is interrupted. */
  static final AtomicReference<Process> running = new AtomicReference<>();

  private final String dnsperf;
  private final Path queries;
  private final int clients;
  private final int threads;
  private final int outstanding;

  /**
   * @param queries dnsperf's data file: one {@code name type} per line
   * @param clients sockets (source ports) dnsperf queries from
   * @param threads dnsperf's threads
   * @param outstanding most queries in flight
   */
  Dnsperf(String dnsperf, Path queries, int clients, int threads, int outstanding) {
    this.dnsperf = dnsperf;
    this.queries = queries;
    this.clients = clients;
    this.threads = threads;
    this.outstanding = outstanding;
  }

  /**
   * One run's figures.
   *
   * @param quantilesMs latencies at {@code 0.5, 0.99, 0.999}, from verbose runs only (else NaN)
   * @param serverCores cores' worth of CPU the answering server used during the run (NaN unknown)
   */
  record Result(
      double qps,
      long sent,
      long lost,
      double averageMs,
      String rcodes,
      double[] quantilesMs,
      double otherCores,
      double serverCores) {
    /** Queries answered per second of the server's CPU: its cost, whatever bounds the rate. */
    double qpsPerServerCore() {
      return qps / serverCores;
    }

    double p50() {
      return quantilesMs[0];
    }

    double p99() {
      return quantilesMs[1];
    }

    double p999() {
      return quantilesMs[2];
    }
  }

  /** dnsperf's version, from its help text ("Version 2.10.0"), or "?". */
  static String version(String dnsperf) {
    try {
      Process p = new ProcessBuilder(dnsperf, "-h").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(5, TimeUnit.SECONDS);
      Matcher m = Pattern.compile("Version (\\S+)").matcher(out);
      return m.find() ? m.group(1) : "?";
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }

  /** The exact command of a run, for the report. */
  List<String> command(int port, int seconds, int maxQps, boolean verbose) {
    List<String> c =
        new ArrayList<>(
            List.of(
                dnsperf,
                "-s",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-d",
                queries.toString(),
                "-l",
                Integer.toString(seconds),
                "-c",
                Integer.toString(clients),
                "-T",
                Integer.toString(threads),
                "-q",
                Integer.toString(outstanding),
                "-t",
                "2"));
    if (maxQps > 0) {
      c.addAll(List.of("-Q", Integer.toString(maxQps)));
    }
    if (verbose) {
      c.add("-v");
    }
    return c;
  }

  /**
   * Runs dnsperf for {@code seconds} against the server {@code serverPid} on 127.0.0.1:{@code
   * port}; {@code maxQps} 0 means as fast as it can. Verbose runs (every reply's latency, written
   * to {@code out}) give quantiles.
   */
  Result run(long serverPid, int port, int seconds, int maxQps, boolean verbose, Path out)
      throws Exception {
    Process p =
        new ProcessBuilder(command(port, seconds, maxQps, verbose))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    running.set(p);
    OtherCpu start = OtherCpu.now();
    double serverStart = ProcessCpu.secondsOfTree(serverPid);
    long t0 = System.nanoTime();
    try {
      if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
        throw new IllegalStateException("dnsperf did not finish");
      }
    } finally {
      p.destroyForcibly();
      running.compareAndSet(p, null);
    }
    double others = OtherCpu.since(start);
    double serverCores =
        (ProcessCpu.secondsOfTree(serverPid) - serverStart) / ((System.nanoTime() - t0) / 1e9);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("dnsperf failed:\n" + Host.tail(out, 20));
    }
    return parse(out, verbose, others, serverCores);
  }

  static Result parse(Path out, boolean verbose, double otherCores, double serverCores)
      throws IOException {
    String text = Files.readString(out, StandardCharsets.UTF_8);
    int report = Math.max(0, text.lastIndexOf("Statistics:"));
    String summary = text.substring(report);
    Matcher qps = QPS.matcher(summary);
    Matcher sent = SENT.matcher(summary);
    Matcher lost = LOST.matcher(summary);
    Matcher average = AVERAGE.matcher(summary);
    Matcher codes = CODES.matcher(summary);
    if (!qps.find() || !sent.find() || !lost.find() || !average.find()) {
      throw new IllegalStateException("cannot read dnsperf's report:\n" + Host.tail(out, 30));
    }
    double[] quantiles = {Double.NaN, Double.NaN, Double.NaN};
    if (verbose) {
      quantiles = quantiles(text.substring(0, report));
    }
    return new Result(
        Double.parseDouble(qps.group(1)),
        Long.parseLong(sent.group(1)),
        Long.parseLong(lost.group(1)),
        Double.parseDouble(average.group(1)) * 1000,
        codes.find() ? codes.group(1).strip() : "?",
        quantiles,
        otherCores,
        serverCores);
  }

  /** From verbose lines such as {@code > NOERROR svc-1.service.cairn. A 0.000123}. */
  private static double[] quantiles(String verbose) {
    long[] nanos = new long[1 << 16];
    int n = 0;
    for (String line : verbose.split("\n")) {
      if (!line.startsWith("> ")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      try {
        double seconds = Double.parseDouble(line.substring(space + 1));
        if (n == nanos.length) {
          nanos = Arrays.copyOf(nanos, n * 2);
        }
        nanos[n++] = Math.round(seconds * 1e9);
      } catch (NumberFormatException e) {
        // "> T ..." (timed out) and other lines without a latency
      }
    }
    long[] sorted = Arrays.copyOf(nanos, n);
    Arrays.sort(sorted);
    double[] q = new double[3];
    double[] at = {0.5, 0.99, 0.999};
    for (int i = 0; i < q.length; i++) {
      q[i] = LatencyRecorder.quantileMillis(sorted, at[i]);
    }
    return q;
  }
}
