package io.cairn.registry.catalog;

import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.validation.Problems;
import java.util.Objects;

/**
 * A service registered on a {@link CatalogNode}. Its id is unique on its node only, as in Consul.
 *
 * @param node the node's name
 * @param service the service: id, name, tags, address, port, meta, weights
 * @param nodeAddress the client gave no address: the service is reached at its node's address,
 *     whatever that is now ({@code service.address()} holds the node's address when registered)
 */
public record NodeService(String node, ServiceInstance service, boolean nodeAddress) {
  public NodeService {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(service, "service");
    if (service.proxy().isPresent()) {
      new Problems()
          .add(
              "Service.Kind",
              "connect-proxy services run beside Cairn's agent API, not on catalog nodes")
          .throwIfAny();
    }
  }

  /** Where the service is reached: its own address, or else its node's. */
  public String address(CatalogNode on) {
    return nodeAddress ? on.address() : service.address();
  }

  /** The key of this service among all nodes' services. */
  public String key() {
    return CatalogState.key(node, service.id());
  }
}
