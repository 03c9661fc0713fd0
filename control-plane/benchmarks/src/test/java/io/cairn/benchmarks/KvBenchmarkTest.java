package io.cairn.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KvBenchmarkTest {
  @Test
  void defaultsAreTheIssues() {
    KvBenchmark.Options o = KvBenchmark.Options.parse(List.of());

    assertThat(o.clients()).isEqualTo(64);
    assertThat(o.valueBytes()).isEqualTo(128);
    assertThat(o.watchers()).isEqualTo(1000);
    assertThat(o.rounds()).isEqualTo(5);
  }

  @Test
  void quickShrinksAndOptionsStillApply() {
    KvBenchmark.Options o = KvBenchmark.Options.parse(List.of("--quick", "--watchers", "50"));

    assertThat(o.seconds()).isEqualTo(3);
    assertThat(o.rounds()).isEqualTo(3);
    assertThat(o.watchers()).isEqualTo(50);
  }

  @Test
  void serverLimitsAdmitEveryWatcher() {
    KvBenchmark.Options o =
        KvBenchmark.Options.parse(List.of("--watchers", "8000", "--clients", "64"));

    List<String> args = o.serverArgs();
    int blocking = Integer.parseInt(args.get(args.indexOf("--http-max-blocking-queries") + 1));
    int connections = Integer.parseInt(args.get(args.indexOf("--http-max-connections") + 1));
    assertThat(blocking).isGreaterThanOrEqualTo(8000);
    assertThat(connections).isGreaterThanOrEqualTo(8000 + 64 + 1);
  }

  @Test
  void refusesUnknownAndNonsenseOptions() {
    assertThatThrownBy(() -> KvBenchmark.Options.parse(List.of("--watcher", "5")))
        .hasMessageContaining("--watcher");
    assertThatThrownBy(() -> KvBenchmark.Options.parse(List.of("--watchers", "0")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void roundFiguresComeFromSortedDelays() {
    KvBenchmark.Round r = new KvBenchmark.Round(new long[] {3_000_000, -1_000_000, 2_000_000}, 0);

    assertThat(r.p50Ms()).isEqualTo(2.0);
    assertThat(r.lastMs()).isEqualTo(3.0);
    assertThat(KvBenchmark.medianLast(List.of(r, new KvBenchmark.Round(new long[] {1}, 0))))
        .isEqualTo((3.0 + 1e-6) / 2);
  }

  @Test
  void theCpuTimePerRoundIsKeptFromSendAndTakenAsAMedian() {
    KvBenchmark.Round a = new KvBenchmark.Round(new long[] {1}, 5, 40);
    KvBenchmark.Round b = new KvBenchmark.Round(new long[] {1}, 5, 90);
    KvBenchmark.Round c = new KvBenchmark.Round(new long[] {1}, 5, 50);

    assertThat(a.fromSend().cpuMs()).isEqualTo(40);
    assertThat(KvBenchmark.medianCpuMs(List.of(a, b, c))).isEqualTo(50);
    assertThat(KvBenchmark.medianCpuMs(List.of(a, b))).isEqualTo(65);
  }

  @Test
  void fromSendAddsThePutsRoundTripAndRatiosNeedPositiveFigures() {
    KvBenchmark.Round r = new KvBenchmark.Round(new long[] {-2_000_000, 1_000_000}, 5_000_000);

    assertThat(r.fromSend().lastMs()).isEqualTo(6.0);
    assertThat(r.fromSend().p50Ms()).isEqualTo(3.0);
    assertThat(KvBenchmark.ratio(3.0, 2.0)).isEqualTo("1.50x");
    assertThat(KvBenchmark.ratio(-1.0, 2.0)).startsWith("n/a");
    assertThat(KvBenchmark.ratio(1.0, 0.0)).startsWith("n/a");
  }

  @Test
  void valuesDifferPerRoundAndKeepTheirSize() {
    assertThat(KvBenchmark.value(128, 1)).hasSize(128).isNotEqualTo(KvBenchmark.value(128, 2));
    assertThat(KvBenchmark.putKey(3, 1001)).isEqualTo("bench/put/3/1");
  }
}
