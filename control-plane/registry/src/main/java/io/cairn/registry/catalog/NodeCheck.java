package io.cairn.registry.catalog;

import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import java.util.Objects;

/**
 * A check registered in the catalog: Cairn runs nothing for it; its status is what the registering
 * client last wrote (Consul's external checks, as consul-esm writes them).
 *
 * @param node the node's name
 * @param id unique on the node
 * @param name shown to users
 * @param serviceId the service on the node it belongs to, or "" for a node check, which counts for
 *     every service of the node
 * @param status passing, warning or critical
 * @param notes free text
 * @param output the last output
 */
public record NodeCheck(
    String node,
    String id,
    String name,
    String serviceId,
    HealthStatus status,
    String notes,
    String output) {
  static final int MAX_TEXT = 4096;

  public NodeCheck {
    Problems p = new Problems();
    Objects.requireNonNull(node, "node");
    Names.id(p, "CheckID", id);
    Names.text(p, "Name", name, 256);
    if (serviceId == null) {
      p.add("ServiceID", "must not be null (use an empty string)");
    } else if (!serviceId.isEmpty()) {
      Names.id(p, "ServiceID", serviceId);
    }
    if (status == null || status == HealthStatus.MAINTENANCE) {
      p.add("Status", "must be passing, warning or critical");
    }
    Names.text(p, "Notes", notes, MAX_TEXT);
    Names.text(p, "Output", output, MAX_TEXT);
    p.throwIfAny();
  }

  /** The key of this check among all nodes' checks. */
  public String key() {
    return CatalogState.key(node, id);
  }

  public boolean isNodeCheck() {
    return serviceId.isEmpty();
  }
}
