package io.cairn.xds.translate;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.cairn.registry.config.PassiveHealthCheck;
import io.cairn.registry.config.UpstreamLimits;
import io.cairn.registry.config.UpstreamSettings;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SelfConfigSource;
import java.time.Duration;

/**
 * A downstream's {@link UpstreamSettings} on an upstream cluster, as Consul maps them for Envoy:
 * {@code connect_timeout}; {@code Limits} as the one DEFAULT-priority circuit breaker threshold
 * ({@code max_connections}, {@code max_pending_requests}, {@code max_requests}); {@code
 * PassiveHealthCheck} as {@code outlier_detection} ({@code interval}, {@code consecutive_5xx},
 * {@code enforcing_consecutive_5xx}, {@code max_ejection_percent}, {@code base_ejection_time}).
 * Unset values are left out, so the client's defaults hold.
 *
 * <p>gRPC clients (gRFC A50) ignore {@code consecutive_5xx}; for them the same check is also
 * written as failure-percentage ejection: an instance more than 99% of whose calls in an interval
 * failed, at least {@code MaxFailures} of them, is ejected. grpc-java enforces {@code max_requests}
 * only on a cluster with an {@code lrs_server}, so theirs names Cairn itself. Pure: protos in,
 * protos out.
 */
public final class ClusterResilience {
  /** Which client the cluster is for. */
  public enum Client {
    ENVOY,
    GRPC
  }

  /** gRPC ejects an instance whose failure percentage is above this. */
  static final int FAILURE_THRESHOLD = 99;

  /** Envoy's default for {@code consecutive_5xx}, used as the gRPC request volume without one. */
  static final int DEFAULT_MAX_FAILURES = 5;

  /** Envoy's defaults for success-rate ejection (outlier_detection.proto). */
  static final int SUCCESS_RATE_ENFORCING = 100;

  static final int SUCCESS_RATE_MINIMUM_HOSTS = 5;
  static final int SUCCESS_RATE_REQUEST_VOLUME = 100;
  static final int SUCCESS_RATE_STDEV_FACTOR = 1900;

  private ClusterResilience() {}

  /** {@code cluster} with {@code settings} applied; the same object when there are none. */
  public static Cluster apply(Cluster cluster, UpstreamSettings settings, Client client) {
    if (settings.isEmpty()) {
      return cluster;
    }
    Cluster.Builder b = cluster.toBuilder();
    settings.connectTimeout().ifPresent(t -> b.setConnectTimeout(duration(t)));
    settings.limits().filter(l -> !l.isEmpty()).ifPresent(l -> b.setCircuitBreakers(breakers(l)));
    if (client == Client.GRPC
        && settings.limits().flatMap(UpstreamLimits::maxConcurrentRequests).isPresent()) {
      // grpc-java counts a cluster's calls in flight only while it reports load (it keeps the
      // count in its load stats), so max_requests needs an LRS server: Cairn's own, which asks
      // for no reports.
      b.setLrsServer(
          ConfigSource.newBuilder().setSelf(SelfConfigSource.getDefaultInstance()).build());
    }
    settings
        .passiveHealthCheck()
        .ifPresent(c -> b.setOutlierDetection(outlierDetection(c, client)));
    return b.build();
  }

  static CircuitBreakers breakers(UpstreamLimits limits) {
    CircuitBreakers.Thresholds.Builder t =
        CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.DEFAULT);
    limits.maxConnections().ifPresent(v -> t.setMaxConnections(uint32(v)));
    limits.maxPendingRequests().ifPresent(v -> t.setMaxPendingRequests(uint32(v)));
    limits.maxConcurrentRequests().ifPresent(v -> t.setMaxRequests(uint32(v)));
    return CircuitBreakers.newBuilder().addThresholds(t).build();
  }

  static OutlierDetection outlierDetection(PassiveHealthCheck check, Client client) {
    OutlierDetection.Builder o = OutlierDetection.newBuilder();
    check.interval().ifPresent(v -> o.setInterval(duration(v)));
    check.maxFailures().ifPresent(v -> o.setConsecutive5Xx(uint32(v)));
    check.enforcingConsecutive5xx().ifPresent(v -> o.setEnforcingConsecutive5Xx(uint32(v)));
    check.maxEjectionPercent().ifPresent(v -> o.setMaxEjectionPercent(uint32(v)));
    check.baseEjectionTime().ifPresent(v -> o.setBaseEjectionTime(duration(v)));
    if (client == Client.GRPC) {
      // gRPC ejects above the threshold, so 99 means "every call failed" for fewer than 100.
      o.setFailurePercentageThreshold(uint32(FAILURE_THRESHOLD))
          .setEnforcingFailurePercentage(uint32(check.enforcingConsecutive5xx().orElse(100)))
          .setFailurePercentageMinimumHosts(uint32(1))
          .setFailurePercentageRequestVolume(
              uint32(check.maxFailures().orElse(DEFAULT_MAX_FAILURES)));
      // Success-rate ejection is on when enforcing_success_rate is unset, with Envoy's defaults.
      // grpc-js (1.10 to 1.14) reads the unset minimum hosts as no minimum and then crashes its
      // process on an interval where no endpoint had the request volume: so the defaults are
      // written out, which means the same to every client.
      o.setEnforcingSuccessRate(uint32(SUCCESS_RATE_ENFORCING))
          .setSuccessRateMinimumHosts(uint32(SUCCESS_RATE_MINIMUM_HOSTS))
          .setSuccessRateRequestVolume(uint32(SUCCESS_RATE_REQUEST_VOLUME))
          .setSuccessRateStdevFactor(uint32(SUCCESS_RATE_STDEV_FACTOR));
    }
    return o.build();
  }

  private static UInt32Value uint32(int value) {
    return UInt32Value.of(value);
  }

  private static com.google.protobuf.Duration duration(Duration d) {
    return Durations.fromNanos(d.toNanos());
  }
}
