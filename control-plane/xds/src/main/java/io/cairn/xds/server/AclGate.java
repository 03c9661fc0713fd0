package io.cairn.xds.server;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.acl.AclResolver;
import io.cairn.registry.model.ConnectProxy;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the xDS server's ACL checks share: the resolver, the latest registry state (for the ACLs and
 * for which nodes are sidecars), and the refusal counter.
 */
final class AclGate {
  static final String UNKNOWN_TOKEN = "unknown-token";
  static final String PERMISSION = "permission";

  private final AclResolver resolver;
  private final AclLabels labels;
  private final Supplier<RegistrySnapshot> snapshots;
  private final MeterRegistry meters;

  AclGate(AclResolver resolver, Supplier<RegistrySnapshot> snapshots, MeterRegistry meters) {
    this.resolver = resolver;
    this.labels = new AclLabels(resolver.settings());
    this.snapshots = snapshots;
    this.meters = meters;
  }

  AclResolver resolver() {
    return resolver;
  }

  /** What {@code stream}'s token may do now. */
  AclStream.View view(AclStream stream) {
    return stream.view(snapshots.get().acl(), resolver, labels);
  }

  /** The first view of a stream presenting {@code secret}. */
  AclStream.View firstView(Optional<String> secret) {
    var state = snapshots.get().acl();
    var resolution = resolver.resolve(secret);
    return new AclStream.View(state, resolution, labels.label(state, resolution));
  }

  /**
   * The service {@code node} fronts, if its id is a registered connect proxy: such a node needs
   * {@code service:write} on it, as in Consul.
   */
  Optional<String> sidecarOf(Node node) {
    if (node.getId().isEmpty()) {
      return Optional.empty();
    }
    return snapshots
        .get()
        .instance(node.getId())
        .flatMap(i -> i.value().proxy())
        .map(ConnectProxy::destinationServiceName);
  }

  void denied(String reason) {
    meters.counter("cairn.xds.acl.denied", "reason", reason).increment();
  }
}
