package io.cairn.xds.translate;

import com.google.protobuf.Any;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.model.Upstream;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;

/**
 * LDS for Envoy sidecars: the inbound {@code public_listener} in front of the application, behind
 * mutual TLS ({@link MeshTlsTranslator#downstream}) and guarded by RBAC from intentions, and one
 * outbound listener per upstream on its local bind address. HTTP family services get an HTTP
 * connection manager (L7 RBAC, routes over RDS); tcp services a TCP proxy behind network RBAC.
 */
public final class SidecarListenerTranslator {
  public static final String PUBLIC_LISTENER = "public_listener";

  private SidecarListenerTranslator() {}

  /**
   * @param bindAddress where the listener binds
   * @param port the sidecar's registered port
   * @param rules RBAC from the intentions whose destination is the sidecar's service
   */
  public static Listener inbound(String bindAddress, int port, Protocol protocol, RBAC rules) {
    String name = PUBLIC_LISTENER + ":" + bindAddress + ":" + port;
    FilterChain.Builder chain = FilterChain.newBuilder();
    if (protocol.isHttpFamily()) {
      RouteConfiguration local =
          RouteConfiguration.newBuilder()
              .setName(ClusterTranslator.LOCAL_APP)
              .addVirtualHosts(
                  VirtualHost.newBuilder()
                      .setName(ClusterTranslator.LOCAL_APP)
                      .addDomains("*")
                      .addRoutes(
                          Route.newBuilder()
                              .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                              .setRoute(
                                  RouteAction.newBuilder()
                                      .setCluster(ClusterTranslator.LOCAL_APP))))
              .build();
      HttpConnectionManager hcm =
          HttpConnectionManager.newBuilder()
              .setStatPrefix(PUBLIC_LISTENER)
              .setRouteConfig(local)
              .addHttpFilters(rbac(rules))
              .addHttpFilters(router())
              .build();
      chain.addFilters(connectionManager(hcm));
    } else {
      chain.addFilters(
          Filter.newBuilder()
              .setName("envoy.filters.network.rbac")
              .setTypedConfig(
                  Any.pack(
                      io.envoyproxy
                          .envoy
                          .extensions
                          .filters
                          .network
                          .rbac
                          .v3
                          .RBAC
                          .newBuilder()
                          .setStatPrefix(PUBLIC_LISTENER)
                          .setRules(rules)
                          .build())));
      chain.addFilters(tcpProxy(PUBLIC_LISTENER, ClusterTranslator.LOCAL_APP));
    }
    // Mutual TLS: a peer presents a leaf of the mesh's CA (RBAC then decides what it may do).
    chain.setTransportSocket(MeshTlsTranslator.downstream());
    return Listener.newBuilder()
        .setName(name)
        .setAddress(ClusterTranslator.socket(bindAddress, port))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addFilterChains(chain)
        .build();
  }

  /**
   * An upstream's listener on its local bind address. HTTP family upstreams take their routes (the
   * service's router and splitter) over RDS from {@code routeName}; tcp ones go straight to {@code
   * clusterName}.
   */
  public static Listener outbound(
      Upstream upstream, Protocol protocol, String routeName, String clusterName) {
    String name =
        upstream.destinationName()
            + ":"
            + upstream.localBindAddress()
            + ":"
            + upstream.localBindPort();
    Filter filter;
    if (protocol.isHttpFamily()) {
      filter =
          connectionManager(
              HttpConnectionManager.newBuilder()
                  .setStatPrefix("upstream." + upstream.destinationName())
                  .setRds(AdsSource.rds(routeName))
                  .addHttpFilters(router())
                  .build());
    } else {
      filter = tcpProxy("upstream." + upstream.destinationName(), clusterName);
    }
    return Listener.newBuilder()
        .setName(name)
        .setAddress(ClusterTranslator.socket(upstream.localBindAddress(), upstream.localBindPort()))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(FilterChain.newBuilder().addFilters(filter))
        .build();
  }

  /** The HTTP RBAC filter enforcing {@code rules} per request. */
  static HttpFilter rbac(RBAC rules) {
    return HttpFilter.newBuilder()
        .setName("envoy.filters.http.rbac")
        .setTypedConfig(
            Any.pack(
                io.envoyproxy
                    .envoy
                    .extensions
                    .filters
                    .http
                    .rbac
                    .v3
                    .RBAC
                    .newBuilder()
                    .setRules(rules)
                    .build()))
        .build();
  }

  static HttpFilter router() {
    return HttpFilter.newBuilder()
        .setName("envoy.filters.http.router")
        .setTypedConfig(Any.pack(Router.getDefaultInstance()))
        .build();
  }

  private static Filter connectionManager(HttpConnectionManager hcm) {
    return Filter.newBuilder()
        .setName("envoy.filters.network.http_connection_manager")
        .setTypedConfig(Any.pack(hcm))
        .build();
  }

  private static Filter tcpProxy(String statPrefix, String cluster) {
    return Filter.newBuilder()
        .setName("envoy.filters.network.tcp_proxy")
        .setTypedConfig(
            Any.pack(TcpProxy.newBuilder().setStatPrefix(statPrefix).setCluster(cluster).build()))
        .build();
  }
}
