package io.cairn.xds.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.Optional;

/**
 * LDS for a proxyless gRPC server (gRFC A36): the Listener an {@code XdsServerBuilder} asks for,
 * {@code grpc/server?xds.resource.listening_address=<ip>:<port>}, carrying that address, with one
 * filter chain whose HTTP connection manager has an inline route configuration (every call matched,
 * {@code non_forwarding_action}: the server answers it itself), then the RBAC filter (gRFC A41) and
 * the router; with mTLS, the chain's transport socket is a DownstreamTlsContext.
 *
 * <p>The listener is built once per server's service as a template named {@link #TEMPLATE} (no
 * service can have that name) and given each requested name and address as it is sent.
 */
public final class ServerListenerTranslator {
  /**
   * The {@code server_listener_resource_name_template} servers' bootstraps give (gRFC A36's
   * example), before the address.
   */
  public static final String PREFIX = "grpc/server?xds.resource.listening_address=";

  /** The template's name in a snapshot: not a service name, nor a name a server asks for. */
  public static final String TEMPLATE = "cairn/grpc-server";

  /** An address a server listens on, read from its listener's name. */
  public record ListeningAddress(String host, int port) {}

  private ServerListenerTranslator() {}

  /**
   * The template for a server of one service.
   *
   * @param rules RBAC from the intentions whose destination is the service
   * @param tlsInstance the certificate provider instance of the server's bootstrap, for mTLS
   */
  public static Listener template(RBAC rules, Optional<String> tlsInstance) {
    RouteConfiguration routes =
        RouteConfiguration.newBuilder()
            .setName("inbound")
            .addVirtualHosts(
                VirtualHost.newBuilder()
                    .setName("inbound")
                    .addDomains("*")
                    .addRoutes(
                        Route.newBuilder()
                            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                            .setNonForwardingAction(NonForwardingAction.getDefaultInstance())))
            .build();
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("inbound")
            .setRouteConfig(routes)
            .addHttpFilters(SidecarListenerTranslator.rbac(rules))
            .addHttpFilters(SidecarListenerTranslator.router())
            .build();
    FilterChain.Builder chain =
        FilterChain.newBuilder()
            .setName("inbound")
            .addFilters(
                Filter.newBuilder()
                    .setName("envoy.filters.network.http_connection_manager")
                    .setTypedConfig(Any.pack(hcm)));
    tlsInstance.ifPresent(i -> chain.setTransportSocket(ProxylessTlsTranslator.downstream(i)));
    return Listener.newBuilder()
        .setName(TEMPLATE)
        .setAddress(ClusterTranslator.socket("0.0.0.0", 0))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addFilterChains(chain)
        .build();
  }

  /** The template as the listener {@code name} asked for, at the address the name gives. */
  public static Listener named(Listener template, String name, ListeningAddress address) {
    return template.toBuilder()
        .setName(name)
        .setAddress(ClusterTranslator.socket(address.host(), address.port()))
        .build();
  }

  /**
   * The address in a server listener's name: an IP literal (IPv6 in brackets) and a port. Empty for
   * any other name.
   */
  public static Optional<ListeningAddress> address(String name) {
    if (!name.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String hostPort = name.substring(PREFIX.length());
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (port < 0
        || port > 65535
        || !io.cairn.registry.validation.NetworkAddresses.isIpLiteral(host)) {
      return Optional.empty();
    }
    return Optional.of(new ListeningAddress(host, port));
  }
}
