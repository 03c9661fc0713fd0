package io.cairn.xds.translate;

import com.google.protobuf.util.Durations;
import io.cairn.registry.config.LoadBalancerPolicy;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import java.time.Duration;

/**
 * CDS: one EDS cluster per upstream service (or resolver subset), whose endpoints come over the
 * same ADS stream. gRPC clients insist on {@code eds_config} pointing at ADS.
 */
public final class ClusterTranslator {
  /** Envoy's own default, and Consul's. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private ClusterTranslator() {}

  public static Cluster translate(
      String clusterName, Duration connectTimeout, LoadBalancerPolicy policy) {
    return Cluster.newBuilder()
        .setName(clusterName)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(
            Cluster.EdsClusterConfig.newBuilder()
                .setServiceName(clusterName)
                .setEdsConfig(
                    ConfigSource.newBuilder()
                        .setAds(AggregatedConfigSource.getDefaultInstance())
                        .setResourceApiVersion(ApiVersion.V3)))
        .setConnectTimeout(Durations.fromNanos(connectTimeout.toNanos()))
        .setLbPolicy(lbPolicy(policy))
        .build();
  }

  private static Cluster.LbPolicy lbPolicy(LoadBalancerPolicy policy) {
    return switch (policy) {
      case ROUND_ROBIN -> Cluster.LbPolicy.ROUND_ROBIN;
      case LEAST_REQUEST -> Cluster.LbPolicy.LEAST_REQUEST;
      case RANDOM -> Cluster.LbPolicy.RANDOM;
      case RING_HASH -> Cluster.LbPolicy.RING_HASH;
      case MAGLEV -> Cluster.LbPolicy.MAGLEV;
    };
  }
}
