package io.cairn.xds.cache;

import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.Upstream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a sidecar's configuration depends on from its own registration. Sidecars of one service
 * registered alike (the usual case) have equal keys and share one snapshot.
 *
 * @param service the destination service the sidecar fronts
 * @param port the sidecar's inbound port
 */
public record SidecarKey(
    String service, int port, String localAddress, int localPort, List<Upstream> upstreams) {
  public SidecarKey {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(localAddress, "localAddress");
    upstreams = List.copyOf(upstreams);
  }

  /** Whether the proxy fronts an application (and so has an inbound listener). */
  public boolean hasLocalApp() {
    return localPort != 0;
  }

  /** The key of a connect-proxy instance; empty for any other kind. */
  public static Optional<SidecarKey> of(ServiceInstance instance) {
    return instance
        .proxy()
        .map(
            (ConnectProxy p) ->
                new SidecarKey(
                    p.destinationServiceName(),
                    instance.port(),
                    p.localServiceAddress(),
                    p.localServicePort(),
                    p.upstreams()));
  }
}
