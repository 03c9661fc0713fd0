package io.cairn.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.util.Durations;
import io.cairn.registry.config.LeastRequestConfig;
import io.cairn.registry.config.LoadBalancerPolicy;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.RingHashConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;
import java.util.Optional;

/**
 * CDS: one EDS cluster per upstream service (or resolver subset), whose endpoints come over the
 * same ADS stream, and a sidecar's static {@code local_app}. gRPC clients insist on {@code
 * eds_config} pointing at ADS. Clusters of http2 and grpc services speak HTTP/2 upstream.
 */
public final class ClusterTranslator {
  /** Envoy's own default, and Consul's. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** The cluster a sidecar's inbound traffic goes to: its own application. */
  public static final String LOCAL_APP = "local_app";

  private static final String HTTP_PROTOCOL_OPTIONS =
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private ClusterTranslator() {}

  /**
   * @param client who reads the cluster: gRPC clients reject {@code RANDOM} and {@code MAGLEV}
   *     (they implement round robin, ring hash and least request), so they get the nearest policy
   *     they have
   */
  public static Cluster translate(
      String clusterName,
      Duration connectTimeout,
      LoadBalancerPolicy policy,
      Protocol protocol,
      RouteClient client) {
    Cluster.Builder b =
        Cluster.newBuilder()
            .setName(clusterName)
            .setType(Cluster.DiscoveryType.EDS)
            .setEdsClusterConfig(
                Cluster.EdsClusterConfig.newBuilder()
                    .setServiceName(clusterName)
                    .setEdsConfig(AdsSource.ads()))
            .setConnectTimeout(Durations.fromNanos(connectTimeout.toNanos()))
            .setLbPolicy(lbPolicy(policy, client));
    http2(b, protocol);
    return b.build();
  }

  /**
   * {@code cluster} with a resolver's ring-hash bounds ({@code ring_hash_lb_config}) and
   * least-request choice count ({@code least_request_lb_config}); gRPC reads both (gRFC A42, A48).
   * The same object when there are none.
   */
  public static Cluster withLoadBalancing(
      Cluster cluster,
      Optional<RingHashConfig> ringHash,
      Optional<LeastRequestConfig> leastRequest) {
    if (ringHash.isEmpty() && leastRequest.isEmpty()) {
      return cluster;
    }
    Cluster.Builder b = cluster.toBuilder();
    ringHash.ifPresent(
        r -> {
          Cluster.RingHashLbConfig.Builder ring = Cluster.RingHashLbConfig.newBuilder();
          r.minimumRingSize().ifPresent(v -> ring.setMinimumRingSize(UInt64Value.of(v)));
          r.maximumRingSize().ifPresent(v -> ring.setMaximumRingSize(UInt64Value.of(v)));
          b.setRingHashLbConfig(ring);
        });
    leastRequest.ifPresent(
        l ->
            b.setLeastRequestLbConfig(
                Cluster.LeastRequestLbConfig.newBuilder()
                    .setChoiceCount(UInt32Value.of(l.choiceCount()))));
    return b.build();
  }

  /** A sidecar's application, at a fixed address: a static cluster with no EDS. */
  public static Cluster localApp(String address, int port, Protocol protocol) {
    Cluster.Builder b =
        Cluster.newBuilder()
            .setName(LOCAL_APP)
            .setType(Cluster.DiscoveryType.STATIC)
            .setConnectTimeout(Durations.fromNanos(DEFAULT_CONNECT_TIMEOUT.toNanos()))
            .setLoadAssignment(
                ClusterLoadAssignment.newBuilder()
                    .setClusterName(LOCAL_APP)
                    .addEndpoints(
                        LocalityLbEndpoints.newBuilder()
                            .addLbEndpoints(
                                LbEndpoint.newBuilder()
                                    .setEndpoint(
                                        Endpoint.newBuilder().setAddress(socket(address, port))))));
    http2(b, protocol);
    return b.build();
  }

  static Address socket(String address, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(address).setPortValue(port))
        .build();
  }

  private static void http2(Cluster.Builder b, Protocol protocol) {
    if (protocol == Protocol.HTTP2 || protocol == Protocol.GRPC) {
      b.putTypedExtensionProtocolOptions(
          HTTP_PROTOCOL_OPTIONS,
          Any.pack(
              HttpProtocolOptions.newBuilder()
                  .setExplicitHttpConfig(
                      HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                          .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
                  .build()));
    }
  }

  private static Cluster.LbPolicy lbPolicy(LoadBalancerPolicy policy, RouteClient client) {
    return switch (policy) {
      case ROUND_ROBIN -> Cluster.LbPolicy.ROUND_ROBIN;
      case LEAST_REQUEST -> Cluster.LbPolicy.LEAST_REQUEST;
      // Random spreads calls evenly, as round robin does.
      case RANDOM ->
          client == RouteClient.GRPC ? Cluster.LbPolicy.ROUND_ROBIN : Cluster.LbPolicy.RANDOM;
      case RING_HASH -> Cluster.LbPolicy.RING_HASH;
      // Maglev is a consistent hash, as ring hash is.
      case MAGLEV ->
          client == RouteClient.GRPC ? Cluster.LbPolicy.RING_HASH : Cluster.LbPolicy.MAGLEV;
    };
  }
}
