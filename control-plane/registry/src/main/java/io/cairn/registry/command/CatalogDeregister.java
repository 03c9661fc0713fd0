package io.cairn.registry.command;

import java.util.Objects;
import java.util.Optional;

/**
 * Removes a catalog node with its services and checks, or else the named service (with its checks)
 * and the named check (Consul's {@code PUT /v1/catalog/deregister}). What does not exist is not an
 * error.
 *
 * @param node the node's name
 * @param serviceId a service to remove instead of the node
 * @param checkId a check to remove instead of the node
 */
public record CatalogDeregister(String node, Optional<String> serviceId, Optional<String> checkId)
    implements Command {
  public CatalogDeregister {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(serviceId, "serviceId");
    Objects.requireNonNull(checkId, "checkId");
  }
}
