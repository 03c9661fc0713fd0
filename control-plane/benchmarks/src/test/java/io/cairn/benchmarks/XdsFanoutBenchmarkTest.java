package io.cairn.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class XdsFanoutBenchmarkTest {
  private static ClusterLoadAssignment endpoints(int n) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    for (int i = 0; i < n; i++) {
      locality.addLbEndpoints(LbEndpoint.getDefaultInstance());
    }
    return ClusterLoadAssignment.newBuilder().setClusterName("fan").addEndpoints(locality).build();
  }

  @Test
  void aPushThatArrivedBeforeArmingCounts() {
    // The race that failed runs: the push for round 1 outran the driver's arming.
    XdsFanoutBenchmark.Watcher w = new XdsFanoutBenchmark.Watcher();
    w.saw(endpoints(2));

    CountDownLatch latch = new CountDownLatch(1);
    w.arm(2, latch);

    assertThat(latch.getCount()).isZero();
    assertThat(w.seenAt.get()).isPositive();
  }

  @Test
  void fewerEndpointsThanArmedForDoNotCount() {
    XdsFanoutBenchmark.Watcher w = new XdsFanoutBenchmark.Watcher();
    w.saw(endpoints(1));
    CountDownLatch latch = new CountDownLatch(1);
    w.arm(2, latch);

    w.saw(endpoints(1));
    assertThat(latch.getCount()).isOne();
    assertThat(w.state()).isEqualTo("1 endpoints after 2 responses");

    w.saw(endpoints(2));
    w.saw(endpoints(3));
    assertThat(latch.getCount()).isZero();
  }
}
