package io.cairn.registry.catalog;

import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import java.util.List;
import java.util.Objects;

/**
 * A catalog node's service with its node and the checks that count for it (the node's checks, then
 * its own): a row of Consul's {@code /v1/health/service} for an external service.
 */
public record NodeServiceHealth(
    Indexed<CatalogNode> node, Indexed<NodeService> service, List<Indexed<NodeCheck>> checks) {
  public NodeServiceHealth {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(service, "service");
    checks = List.copyOf(checks);
  }

  /** The worst check; a service without checks is passing. */
  public HealthStatus status() {
    HealthStatus status = HealthStatus.PASSING;
    for (Indexed<NodeCheck> c : checks) {
      status = status.worst(c.value().status());
    }
    return status;
  }

  /** Where the service is reached. */
  public String address() {
    return service.value().address(node.value());
  }
}
