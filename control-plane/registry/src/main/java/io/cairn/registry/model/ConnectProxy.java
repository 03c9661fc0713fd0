package io.cairn.registry.model;

import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.NetworkAddresses;
import io.cairn.registry.validation.Problems;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A connect-proxy sidecar (Envoy) in front of one application instance.
 *
 * @param destinationServiceName the service whose traffic this proxy carries
 * @param destinationServiceId the instance it fronts, if known
 * @param localServiceAddress where the application listens, as seen from the proxy
 * @param localServicePort the application's port; 0 for a proxy with no application of its own (a
 *     front proxy that only has upstreams), which then has no inbound listener
 * @param upstreams services the application reaches through the proxy
 */
public record ConnectProxy(
    String destinationServiceName,
    Optional<String> destinationServiceId,
    String localServiceAddress,
    int localServicePort,
    List<Upstream> upstreams)
    implements ServiceKind {

  public ConnectProxy {
    Problems p = new Problems();
    Names.serviceName(p, "destinationServiceName", destinationServiceName);
    if (destinationServiceId == null) {
      p.add("destinationServiceId", "must not be null (use Optional.empty())");
      destinationServiceId = Optional.empty();
    }
    destinationServiceId.ifPresent(id -> Names.id(p, "destinationServiceId", id));
    NetworkAddresses.address(p, "localServiceAddress", localServiceAddress);
    if (localServicePort != 0) {
      NetworkAddresses.port(p, "localServicePort", localServicePort);
    }
    if (upstreams == null) {
      p.add("upstreams", "must not be null (use an empty list)");
      upstreams = List.of();
    }
    upstreams = List.copyOf(upstreams);
    Set<String> binds = new HashSet<>();
    for (int i = 0; i < upstreams.size(); i++) {
      Upstream u = upstreams.get(i);
      if (!binds.add(u.localBindAddress() + ":" + u.localBindPort())) {
        p.add(
            "upstreams[" + i + "].localBindPort",
            u.localBindAddress() + ":" + u.localBindPort() + " is used by another upstream");
      }
    }
    p.throwIfAny();
  }
}
