package io.cairn.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsBenchmarkTest {
  @Test
  void comparesCairnWithEachPeerAndTheFasterOne() {
    Map<String, Dnsperf.Result> peaks = new LinkedHashMap<>();
    peaks.put("nsd", result(100_000, 0, 0, 1.0));
    peaks.put("knot", result(125_000, 0, 0, 0.5));
    Map<String, Dnsperf.Result> halves = new LinkedHashMap<>();
    halves.put("nsd", result(75_000, 0.2, 0.5, 0.8));
    halves.put("knot", result(75_000, 0.3, 0.9, 0.5));

    List<String> lines =
        DnsBenchmark.summary(
            result(150_000, 0, 0, 0.6), peaks, 75_000, result(75_000, 0.4, 1.5, 0.3), halves);

    assertThat(lines)
        .containsExactly(
            "peak:    cairn=150000 qps  nsd=100000 qps  knot=125000 qps",
            "ratio:   cairn/nsd=1.50x  cairn/knot=1.20x  cairn/faster (knot)=1.20x (target >= 1.2x)",
            "per server core: cairn=250000 qps  nsd=100000 qps  knot=250000 qps"
                + "  cairn/best (knot)=1.00x",
            "at 75000 qps: cairn p99=0.400 ms p99.9=1.500 ms (target p99.9 < 1 ms);"
                + " nsd p99=0.200 ms p99.9=0.500 ms; knot p99=0.300 ms p99.9=0.900 ms",
            "cpu at 75000 qps: cairn=0.30 nsd=0.80 knot=0.50 cores  cairn/leanest (knot)=0.60x");
  }

  @Test
  void withOnePeerThatPeerIsTheFaster() {
    List<String> lines =
        DnsBenchmark.summary(
            result(50_000, 0, 0),
            Map.of("nsd", result(100_000, 0, 0)),
            25_000,
            result(25_000, 0.4, 0.8),
            Map.of("nsd", result(25_000, 0.2, 0.5)));

    assertThat(lines.get(1))
        .isEqualTo("ratio:   cairn/nsd=0.50x  cairn/faster (nsd)=0.50x (target >= 1.2x)");
  }

  private static Dnsperf.Result result(double qps, double p99, double p999) {
    return result(qps, p99, p999, 1.0);
  }

  private static Dnsperf.Result result(double qps, double p99, double p999, double serverCores) {
    return new Dnsperf.Result(
        qps, (long) qps, 0, 0.1, "NOERROR", new double[] {0.05, p99, p999}, 0.0, serverCores);
  }
}
