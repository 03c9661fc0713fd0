package io.cairn.dns.answer;

import io.cairn.registry.catalog.NodeServiceHealth;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.InstanceHealth;
import io.cairn.registry.model.ServiceInstance;

/**
 * One instance of a service as DNS answers it, wherever it is registered.
 *
 * @param instance its port, weights and tags
 * @param address where it is reached (a catalog node's service may use its node's address)
 * @param status its health
 */
record ServiceRow(ServiceInstance instance, String address, HealthStatus status) {
  static ServiceRow of(InstanceHealth h) {
    return new ServiceRow(h.value(), h.value().address(), h.status());
  }

  static ServiceRow of(NodeServiceHealth h) {
    return new ServiceRow(h.service().value().service(), h.address(), h.status());
  }
}
