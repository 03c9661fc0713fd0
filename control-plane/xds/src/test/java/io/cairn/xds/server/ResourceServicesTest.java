package io.cairn.xds.server;

import static io.envoyproxy.controlplane.cache.Resources.ResourceType.CLUSTER;
import static io.envoyproxy.controlplane.cache.Resources.ResourceType.ENDPOINT;
import static io.envoyproxy.controlplane.cache.Resources.ResourceType.LISTENER;
import static io.envoyproxy.controlplane.cache.Resources.ResourceType.ROUTE;
import static io.envoyproxy.controlplane.cache.Resources.ResourceType.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.model.Upstream;
import io.cairn.xds.translate.ClusterNames;
import io.cairn.xds.translate.SecretTranslator;
import io.cairn.xds.translate.SidecarListenerTranslator;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResourceServicesTest {
  private static final Optional<String> PROXYLESS = Optional.empty();
  private static final Optional<String> WEB_SIDECAR = Optional.of("web");

  @Test
  void clustersAndEndpointsBelongToTheServiceAfterTheSubset() {
    String subset = ClusterNames.of(new ServiceTarget("billing", "v2"), "api");
    assertThat(subset).isEqualTo("v2.billing");
    for (var type :
        new io.envoyproxy.controlplane.cache.Resources.ResourceType[] {CLUSTER, ENDPOINT}) {
      assertThat(ResourceServices.of(type, "api", PROXYLESS)).isEqualTo("api");
      assertThat(ResourceServices.of(type, subset, PROXYLESS)).isEqualTo("billing");
      assertThat(ResourceServices.of(type, subset, WEB_SIDECAR)).isEqualTo("billing");
    }
  }

  @Test
  void aSidecarsLocalAppAndPublicListenerAreItsOwnService() {
    assertThat(ResourceServices.of(CLUSTER, "local_app", WEB_SIDECAR)).isEqualTo("web");
    assertThat(ResourceServices.of(ENDPOINT, "local_app", WEB_SIDECAR)).isEqualTo("web");
    String inbound =
        SidecarListenerTranslator.inbound(
                "0.0.0.0", 21000, Protocol.HTTP, RBAC.getDefaultInstance())
            .getName();
    assertThat(inbound).startsWith(SidecarListenerTranslator.PUBLIC_LISTENER + ":");
    assertThat(ResourceServices.of(LISTENER, inbound, WEB_SIDECAR)).isEqualTo("web");
    // Not a sidecar: the names are no service's (and not valid service names).
    assertThat(ResourceServices.of(CLUSTER, "local_app", PROXYLESS)).isEqualTo("local_app");
    assertThat(ResourceServices.of(LISTENER, inbound, PROXYLESS)).isEqualTo("public_listener");
  }

  @Test
  void aSidecarsSecretsAreItsOwnService() {
    for (String name : List.of(SecretTranslator.LEAF, SecretTranslator.ROOTS)) {
      assertThat(ResourceServices.of(SECRET, name, WEB_SIDECAR)).isEqualTo("web");
    }
  }

  @Test
  void aSidecarsOutboundListenerAndRouteBelongToTheUpstream() {
    String outbound =
        SidecarListenerTranslator.outbound(
                new Upstream("api", 9191), Protocol.HTTP, "api", ClusterNames.of("api"))
            .getName();
    assertThat(outbound).startsWith("api:");
    assertThat(ResourceServices.of(LISTENER, outbound, WEB_SIDECAR)).isEqualTo("api");
    assertThat(ResourceServices.of(LISTENER, "db:::1:9292", WEB_SIDECAR)).isEqualTo("db");
    assertThat(ResourceServices.of(ROUTE, "api", WEB_SIDECAR)).isEqualTo("api");
  }

  @Test
  void proxylessListenersAndRoutesAreNamedAfterTheServiceWithAnyPortLeftOut() {
    assertThat(ResourceServices.of(LISTENER, "api", PROXYLESS)).isEqualTo("api");
    assertThat(ResourceServices.of(LISTENER, "api:50051", PROXYLESS)).isEqualTo("api");
    assertThat(ResourceServices.of(ROUTE, "api", PROXYLESS)).isEqualTo("api");
    assertThat(ResourceServices.of(ROUTE, "api:50051", PROXYLESS)).isEqualTo("api");
  }
}
