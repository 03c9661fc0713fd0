package io.cairn.registry.acl;

import java.util.Map;
import java.util.Optional;

/**
 * The rules a service identity stands for, as in Consul: write on the service and its sidecar
 * proxy, read on every service and node (to find upstreams).
 */
final class ServiceIdentityRules {
  private ServiceIdentityRules() {}

  static AclRules of(String service) {
    ServiceRule write = new ServiceRule(Access.WRITE, Optional.empty());
    return new AclRules(
        new NamedRules<>(
            Map.of(service, write, service + "-sidecar-proxy", write),
            Map.of("", new ServiceRule(Access.READ, Optional.empty()))),
        new NamedRules<>(Map.of(), Map.of("", Access.READ)),
        NamedRules.none(),
        NamedRules.none(),
        NamedRules.none(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }
}
