package io.cairn.xds.translate;

import static io.cairn.xds.pgv.ValidResources.valid;
import static io.cairn.xds.pgv.ValidResources.validForGrpc;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.config.LoadBalancerPolicy;
import io.cairn.registry.config.PassiveHealthCheck;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.UpstreamLimits;
import io.cairn.registry.config.UpstreamSettings;
import io.cairn.xds.translate.ClusterResilience.Client;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterResilienceTest {
  private static final Cluster BASE =
      ClusterTranslator.translate(
          "v1.api",
          Duration.ofSeconds(5),
          LoadBalancerPolicy.ROUND_ROBIN,
          Protocol.GRPC,
          RouteClient.GRPC);

  private static final UpstreamSettings ALL =
      new UpstreamSettings(
          Optional.of(Duration.ofMillis(250)),
          Optional.of(new UpstreamLimits(Optional.of(100), Optional.of(10), Optional.of(1))),
          Optional.of(
              new PassiveHealthCheck(
                  Optional.of(Duration.ofSeconds(2)),
                  Optional.of(3),
                  Optional.of(90),
                  Optional.of(50),
                  Optional.of(Duration.ofSeconds(30)))));

  @Test
  void envoyGetsConsulsMapping() {
    Cluster c = valid(ClusterResilience.apply(BASE, ALL, Client.ENVOY));
    assertThat(c.getConnectTimeout().getNanos()).isEqualTo(250_000_000);
    assertThat(c.getCircuitBreakers().getThresholdsList()).hasSize(1);
    CircuitBreakers.Thresholds t = c.getCircuitBreakers().getThresholds(0);
    assertThat(t.getPriority()).isEqualTo(RoutingPriority.DEFAULT);
    assertThat(t.getMaxConnections().getValue()).isEqualTo(100);
    assertThat(t.getMaxPendingRequests().getValue()).isEqualTo(10);
    assertThat(t.getMaxRequests().getValue()).isEqualTo(1);
    OutlierDetection o = c.getOutlierDetection();
    assertThat(o.getInterval().getSeconds()).isEqualTo(2);
    assertThat(o.getConsecutive5Xx().getValue()).isEqualTo(3);
    assertThat(o.getEnforcingConsecutive5Xx().getValue()).isEqualTo(90);
    assertThat(o.getMaxEjectionPercent().getValue()).isEqualTo(50);
    assertThat(o.getBaseEjectionTime().getSeconds()).isEqualTo(30);
    // Consul's Envoy mapping has no failure-percentage ejection.
    assertThat(o.hasEnforcingFailurePercentage()).isFalse();
    assertThat(o.hasFailurePercentageThreshold()).isFalse();
    // Everything else is the base cluster's.
    assertThat(
            c.toBuilder()
                .clearConnectTimeout()
                .clearCircuitBreakers()
                .clearOutlierDetection()
                .build())
        .isEqualTo(BASE.toBuilder().clearConnectTimeout().build());
  }

  @Test
  void grpcAlsoGetsTheFailuresAsFailurePercentageEjection() {
    OutlierDetection o =
        validForGrpc(ClusterResilience.apply(BASE, ALL, Client.GRPC)).getOutlierDetection();
    assertThat(o.getFailurePercentageThreshold().getValue()).isEqualTo(99);
    assertThat(o.getEnforcingFailurePercentage().getValue()).isEqualTo(90);
    assertThat(o.getFailurePercentageMinimumHosts().getValue()).isEqualTo(1);
    assertThat(o.getFailurePercentageRequestVolume().getValue()).isEqualTo(3);
    assertThat(o.getConsecutive5Xx().getValue()).isEqualTo(3);
    // Envoy's success-rate defaults, written out: grpc-js crashes on an unset minimum hosts.
    assertThat(o.getEnforcingSuccessRate().getValue()).isEqualTo(100);
    assertThat(o.getSuccessRateMinimumHosts().getValue()).isEqualTo(5);
    assertThat(o.getSuccessRateRequestVolume().getValue()).isEqualTo(100);
    assertThat(o.getSuccessRateStdevFactor().getValue()).isEqualTo(1900);

    UpstreamSettings bare =
        new UpstreamSettings(
            Optional.empty(),
            Optional.empty(),
            Optional.of(
                new PassiveHealthCheck(
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty())));
    OutlierDetection defaults =
        validForGrpc(ClusterResilience.apply(BASE, bare, Client.GRPC)).getOutlierDetection();
    assertThat(defaults.getEnforcingFailurePercentage().getValue()).isEqualTo(100);
    assertThat(defaults.getFailurePercentageRequestVolume().getValue())
        .isEqualTo(ClusterResilience.DEFAULT_MAX_FAILURES);
    assertThat(defaults.hasInterval()).isFalse();
    assertThat(defaults.hasConsecutive5Xx()).isFalse();
  }

  @Test
  void unsetValuesAreLeftToTheClient() {
    UpstreamSettings onlyRequests =
        new UpstreamSettings(
            Optional.empty(),
            Optional.of(new UpstreamLimits(Optional.empty(), Optional.empty(), Optional.of(0))),
            Optional.empty());
    Cluster c = validForGrpc(ClusterResilience.apply(BASE, onlyRequests, Client.GRPC));
    CircuitBreakers.Thresholds t = c.getCircuitBreakers().getThresholds(0);
    assertThat(t.hasMaxRequests()).isTrue();
    assertThat(t.getMaxRequests().getValue()).isZero();
    assertThat(t.hasMaxConnections()).isFalse();
    assertThat(t.hasMaxPendingRequests()).isFalse();
    assertThat(c.hasOutlierDetection()).isFalse();
    assertThat(c.getConnectTimeout()).isEqualTo(BASE.getConnectTimeout());

    assertThat(ClusterResilience.apply(BASE, UpstreamSettings.NONE, Client.ENVOY)).isSameAs(BASE);
    UpstreamSettings emptyLimits =
        new UpstreamSettings(
            Optional.empty(),
            Optional.of(new UpstreamLimits(Optional.empty(), Optional.empty(), Optional.empty())),
            Optional.empty());
    assertThat(ClusterResilience.apply(BASE, emptyLimits, Client.ENVOY).hasCircuitBreakers())
        .isFalse();
  }
}
