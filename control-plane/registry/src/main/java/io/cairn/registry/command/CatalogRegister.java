package io.cairn.registry.command;

import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.validation.Problems;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Registers a catalog node, and optionally one of its services and checks, at one index (Consul's
 * {@code PUT /v1/catalog/register} for a node other than Cairn's).
 *
 * @param node the node
 * @param skipNodeUpdate keep an existing node's address and metadata as they are
 * @param service a service of the node to register or replace
 * @param checks checks of the node or of its services to register or replace
 */
public record CatalogRegister(
    CatalogNode node, boolean skipNodeUpdate, Optional<NodeService> service, List<NodeCheck> checks)
    implements Command {
  public static final int MAX_CHECKS = 64;

  public CatalogRegister {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(service, "service");
    checks = List.copyOf(checks);
    Problems p = new Problems();
    service
        .filter(s -> !s.node().equals(node.name()))
        .ifPresent(s -> p.add("Service", "belongs to node '" + s.node() + "'"));
    if (checks.size() > MAX_CHECKS) {
      p.add("Checks", "has " + checks.size() + " entries; at most " + MAX_CHECKS);
    }
    Set<String> ids = new HashSet<>();
    for (NodeCheck c : checks) {
      if (!c.node().equals(node.name())) {
        p.add("Checks", "check '" + c.id() + "' names node '" + c.node() + "'");
      }
      if (!ids.add(c.id())) {
        p.add("Checks", "check '" + c.id() + "' is given twice");
      }
    }
    p.throwIfAny();
  }
}
