package io.cairn.server;

import io.cairn.admin.xds.ConnectedProxies;
import io.cairn.admin.xds.ConnectedProxy;
import io.cairn.xds.server.ProxyStatus;
import io.cairn.xds.server.XdsServer;

/** The xDS server's view of its clients, in the admin API's terms. */
final class ProxyViews {
  private ProxyViews() {}

  static ConnectedProxies of(XdsServer xds) {
    return () -> xds.proxies().stream().map(ProxyViews::view).toList();
  }

  private static ConnectedProxy view(ProxyStatus p) {
    return new ConnectedProxy(
        p.nodeId(),
        p.cluster(),
        p.kind(),
        p.streams(),
        p.connectedAt().toString(),
        p.acked(),
        p.lastNack()
            .map(
                n ->
                    new ConnectedProxy.Nack(
                        n.typeUrl(), n.rejectedNonce(), n.message(), n.at().toString())));
  }
}
