package io.cairn.xds.server;

import io.cairn.xds.translate.ClusterTranslator;
import io.cairn.xds.translate.SidecarListenerTranslator;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import java.util.Optional;

/**
 * The service an xDS resource belongs to, read from its name, so ACLs can decide who may see it.
 * Cairn names every resource after a service: clusters and endpoints {@code service} or {@code
 * subset.service}; proxyless listeners and routes {@code service} (a client may add {@code :port});
 * a sidecar's {@code public_listener:address:port} and {@code local_app} belong to the service it
 * fronts, its outbound listener {@code upstream:address:port} and its routes to the upstream; its
 * secrets ({@code leaf}, {@code roots}) to the service it fronts, whose leaf they hold.
 */
final class ResourceServices {
  private ResourceServices() {}

  /**
   * @param sidecarOf the service the asking sidecar fronts; empty for any other client
   */
  static String of(ResourceType type, String name, Optional<String> sidecarOf) {
    String base =
        switch (type) {
          case CLUSTER, ENDPOINT -> name.substring(name.lastIndexOf('.') + 1);
          case LISTENER, ROUTE, SECRET -> beforeColon(name);
        };
    boolean own =
        type == ResourceType.SECRET
            || base.equals(ClusterTranslator.LOCAL_APP)
            || base.equals(SidecarListenerTranslator.PUBLIC_LISTENER);
    return own ? sidecarOf.orElse(base) : base;
  }

  private static String beforeColon(String name) {
    int colon = name.indexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }
}
