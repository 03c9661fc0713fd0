package io.cairn.registry.command;

import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.validation.Problems;
import java.util.List;
import java.util.Optional;

/**
 * A connect-proxy sidecar registered by the same {@link RegisterInstance} as the service it fronts
 * (Consul's {@code Connect.SidecarService}), so the two commit together or not at all.
 *
 * @param proxy the sidecar instance
 * @param checks its checks
 * @param assignPortFrom when present, the registry writer picks the port, so concurrent
 *     registrations cannot pick the same one: the port the sidecar already has, else the lowest
 *     port of this range no other sidecar uses; {@code proxy}'s own port is then ignored
 */
public record Sidecar(
    ServiceInstance proxy, List<HealthCheck> checks, Optional<PortRange> assignPortFrom) {
  public Sidecar {
    Problems p = new Problems();
    p.check(proxy != null, "proxy", "is required");
    if (proxy != null && !(proxy.kind() instanceof ConnectProxy)) {
      p.add("proxy.kind", "a sidecar is a connect-proxy");
    }
    checks = RegisterInstance.checksOf(p, "checks", proxy, checks);
    if (assignPortFrom == null) {
      p.add("assignPortFrom", "must not be null (use Optional.empty())");
    }
    p.throwIfAny();
  }

  /** A sidecar on the port {@code proxy} gives. */
  public static Sidecar onItsPort(ServiceInstance proxy, List<HealthCheck> checks) {
    return new Sidecar(proxy, checks, Optional.empty());
  }

  /** A sidecar whose port the registry picks from {@code range}. */
  public static Sidecar onAssignedPort(
      ServiceInstance proxy, List<HealthCheck> checks, PortRange range) {
    return new Sidecar(proxy, checks, Optional.of(range));
  }
}
