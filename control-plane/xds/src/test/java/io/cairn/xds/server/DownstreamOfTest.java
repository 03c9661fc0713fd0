package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.model.Locality;
import io.cairn.xds.cache.DownstreamKey;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which proxyless clients share a group: by {@code node.cluster} and {@code node.locality}. */
class DownstreamOfTest {
  private static Node node(String cluster, String region, String zone) {
    return Node.newBuilder()
        .setId("c")
        .setCluster(cluster)
        .setLocality(
            io.envoyproxy.envoy.config.core.v3.Locality.newBuilder()
                .setRegion(region)
                .setZone(zone))
        .build();
  }

  @Test
  void aServiceNameAndALocalityWithARegionMakeTheGroup() {
    assertThat(XdsServer.downstreamOf(node("web", "eu", "a")))
        .contains(new DownstreamKey("web", Optional.of(new Locality("eu", "a"))));
    assertThat(XdsServer.downstreamOf(node("", "eu", "")))
        .contains(new DownstreamKey("", Optional.of(new Locality("eu", ""))));
    // A zone without a region (as many bootstraps have) is no locality.
    assertThat(XdsServer.downstreamOf(node("web", "", "z")))
        .contains(new DownstreamKey("web", Optional.empty()));
    assertThat(XdsServer.downstreamOf(node("", "", "z"))).isEmpty();
    // Neither a name no service can have nor a region no instance can have counts.
    assertThat(XdsServer.downstreamOf(node("Not A Service", "e u", "a"))).isEmpty();
    assertThat(XdsServer.downstreamOf(node("", "eu", "a".repeat(129)))).isEmpty();
  }

  @Test
  void groupNamesKeepARegionWithASlashApartFromAZone() {
    String one = new DownstreamKey("", Optional.of(new Locality("eu/x", "a"))).name();
    String two = new DownstreamKey("", Optional.of(new Locality("eu", "x/a"))).name();
    assertThat(one).isNotEqualTo(two);
    assertThat(new DownstreamKey("web", Optional.empty()).name()).isEqualTo("web");
  }
}
