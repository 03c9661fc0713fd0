package io.cairn.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.config.LoadBalancerPolicy;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterTranslatorTest {
  @Test
  void anEdsClusterOverAdsWithTimeoutAndPolicy() {
    Cluster c =
        ClusterTranslator.translate(
            "api", Duration.ofMillis(1500), LoadBalancerPolicy.LEAST_REQUEST);
    assertThat(c.getName()).isEqualTo("api");
    assertThat(c.getType()).isEqualTo(Cluster.DiscoveryType.EDS);
    assertThat(c.getEdsClusterConfig().getServiceName()).isEqualTo("api");
    assertThat(c.getEdsClusterConfig().getEdsConfig().hasAds()).isTrue();
    assertThat(c.getConnectTimeout().getSeconds()).isEqualTo(1);
    assertThat(c.getConnectTimeout().getNanos()).isEqualTo(500_000_000);
    assertThat(c.getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
  }
}
