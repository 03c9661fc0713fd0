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
  void aCertificateProviderInMetadataOptsInToMtlsAndJoinsTheKey() {
    Node plain = node("", "", "z");
    Node tls = withProvider(plain, com.google.protobuf.Value.newBuilder().setStringValue("cairn"));
    assertThat(XdsServer.downstreamOf(tls))
        .contains(new DownstreamKey("", Optional.empty(), Optional.of("cairn")));
    assertThat(XdsServer.downstreamOf(withProvider(node("web", "", ""), tls.getMetadata())))
        .contains(new DownstreamKey("web", Optional.empty(), Optional.of("cairn")));
    // Not a name: no opt-in (a client would reject what it cannot resolve).
    assertThat(
            XdsServer.downstreamOf(
                withProvider(plain, com.google.protobuf.Value.newBuilder().setBoolValue(true))))
        .isEmpty();
    assertThat(
            XdsServer.downstreamOf(
                withProvider(plain, com.google.protobuf.Value.newBuilder().setStringValue(""))))
        .isEmpty();
    assertThat(
            XdsServer.downstreamOf(
                withProvider(
                    plain, com.google.protobuf.Value.newBuilder().setStringValue("x".repeat(129)))))
        .isEmpty();
    // Instance names are kept apart from services and localities in group names.
    assertThat(new DownstreamKey("web", Optional.empty(), Optional.of("a")).name())
        .isNotEqualTo(new DownstreamKey("web", Optional.empty()).name());
  }

  private static Node withProvider(Node node, com.google.protobuf.Value.Builder value) {
    return node.toBuilder()
        .setMetadata(
            com.google.protobuf.Struct.newBuilder()
                .putFields(DownstreamKey.CERTIFICATE_PROVIDER, value.build()))
        .build();
  }

  private static Node withProvider(Node node, com.google.protobuf.Struct metadata) {
    return node.toBuilder().setMetadata(metadata).build();
  }

  @Test
  void groupNamesKeepARegionWithASlashApartFromAZone() {
    String one = new DownstreamKey("", Optional.of(new Locality("eu/x", "a"))).name();
    String two = new DownstreamKey("", Optional.of(new Locality("eu", "x/a"))).name();
    assertThat(one).isNotEqualTo(two);
    assertThat(new DownstreamKey("web", Optional.empty()).name()).isEqualTo("web");
  }
}
