package io.cairn.registry.model;

import java.util.List;
import java.util.Optional;

/**
 * An instance together with its checks and maintenance mark, as readers need it: the row of
 * Consul's {@code /v1/health/service}, the input of DNS answers and EDS endpoints.
 */
public record InstanceHealth(
    Indexed<ServiceInstance> instance,
    List<Indexed<HealthCheck>> checks,
    Optional<Indexed<Maintenance>> maintenance) {

  public InstanceHealth {
    checks = List.copyOf(checks);
  }

  /** Maintenance wins; otherwise the worst check; an instance without checks is passing. */
  public HealthStatus status() {
    if (maintenance.isPresent()) {
      return HealthStatus.MAINTENANCE;
    }
    HealthStatus status = HealthStatus.PASSING;
    for (Indexed<HealthCheck> check : checks) {
      status = status.worst(check.value().status());
    }
    return status;
  }

  public ServiceInstance value() {
    return instance.value();
  }
}
