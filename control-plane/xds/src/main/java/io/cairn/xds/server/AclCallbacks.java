package io.cairn.xds.server;

import io.cairn.registry.acl.Access;
import io.cairn.registry.acl.AclResolver.Resolution;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Status;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every request of a stream before the library serves it: the token must still be known, and
 * a node that is a registered sidecar of a service needs {@code service:write} on that service
 * (Consul's rule for proxies). A refusal ends the stream with its status. Runs inside the call, so
 * the call's {@link AclStream} is at hand.
 */
final class AclCallbacks implements DiscoveryServerCallbacks {
  private static final Logger log = LoggerFactory.getLogger(AclCallbacks.class);

  private final AclGate gate;

  AclCallbacks(AclGate gate) {
    this.gate = gate;
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
    check(request.hasNode() ? Optional.of(request.getNode()) : Optional.empty());
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request)
      throws RequestException {
    check(request.hasNode() ? Optional.of(request.getNode()) : Optional.empty());
  }

  private void check(Optional<Node> node) throws RequestException {
    Optional<AclStream> current = AclStream.current();
    if (current.isEmpty()) {
      return; // not a call this server's interceptor saw; cannot happen with ACLs on
    }
    AclStream stream = current.get();
    node.ifPresent(stream::node);
    if (!(gate.view(stream).resolution() instanceof Resolution.Granted granted)) {
      gate.denied(AclGate.UNKNOWN_TOKEN);
      throw new RequestException(AclStreams.ACL_NOT_FOUND);
    }
    Optional<String> sidecarOf = gate.sidecarOf(stream.node());
    if (sidecarOf.isPresent()
        && !granted.authorizer().service(sidecarOf.get()).allows(Access.WRITE)) {
      gate.denied(AclGate.PERMISSION);
      log.atWarn()
          .addKeyValue("node", stream.node().getId())
          .addKeyValue("accessor", granted.accessorId())
          .addKeyValue("service", sidecarOf.get())
          .log("xDS stream refused: a sidecar's token needs service:write on its service");
      throw new RequestException(
          Status.PERMISSION_DENIED.withDescription(
              "Permission denied: token with AccessorID '"
                  + granted.accessorId()
                  + "' lacks permission 'service:write' on \""
                  + sidecarOf.get()
                  + "\""));
    }
  }
}
