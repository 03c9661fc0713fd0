package io.cairn.xds.pgv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import org.junit.jupiter.api.Test;

class CheckedResponsesTest {
  private static DiscoveryResponse response(com.google.protobuf.Message... resources) {
    DiscoveryResponse.Builder b = DiscoveryResponse.newBuilder();
    for (var r : resources) {
      b.addResources(Any.pack(r));
    }
    return b.build();
  }

  @Test
  void aResponseCarryingAResourceEnvoyRejectsFailsTheTestClass() {
    CheckedResponses checker = new CheckedResponses();
    RouteConfiguration fine = RouteConfiguration.newBuilder().setName("api").build();
    checker.onV3StreamResponse(1, DiscoveryRequest.getDefaultInstance(), response(fine));
    checker.failIfRejected();

    // A weighted cluster with no clusters breaks repeated.min_items; packed where RDS would be.
    var broken =
        io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder()
            .setWeightedClusters(WeightedCluster.getDefaultInstance())
            .build();
    RouteConfiguration bad =
        RouteConfiguration.newBuilder()
            .setName("api")
            .addVirtualHosts(
                io.envoyproxy.envoy.config.route.v3.VirtualHost.newBuilder()
                    .setName("api")
                    .addDomains("*")
                    .addRoutes(
                        io.envoyproxy.envoy.config.route.v3.Route.newBuilder()
                            .setMatch(
                                io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder()
                                    .setPrefix("/"))
                            .setRoute(broken)))
            .build();
    checker.onV3StreamResponse(2, DiscoveryRequest.getDefaultInstance(), response(fine, bad));
    assertThat(checker.checked()).isEqualTo(3);
    assertThat(checker.rejected()).isEqualTo(1);
    assertThatThrownBy(checker::failIfRejected)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("1 resource(s) in xDS responses")
        .hasMessageContaining("repeated.min_items");
    checker.failIfRejected();
  }
}
