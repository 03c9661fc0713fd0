package io.cairn.registry;

import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.CatalogState;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.command.CatalogDeregister;
import io.cairn.registry.command.CatalogRegister;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.Problems;
import java.util.List;
import java.util.Optional;

/**
 * Applies catalog registrations of nodes other than Cairn's, with Consul's rules: what is unchanged
 * is not rewritten (its index stays), a check of a service needs that service on the node, and
 * removing a node or a service removes what hangs from it in the same commit.
 */
final class CatalogCommands {
  private CatalogCommands() {}

  static CommandResult register(WorkingState s, CatalogRegister c, long at) {
    CatalogState state = s.view().catalog();
    Optional<Indexed<CatalogNode>> existing = state.node(c.node().name());
    if (existing.isEmpty() || !c.skipNodeUpdate()) {
      put(existing, c.node(), at, s::putNode);
    }
    c.service()
        .ifPresent(
            service ->
                put(
                    state.service(service.node(), service.service().id()),
                    service,
                    at,
                    s::putNodeService));
    Problems p = new Problems();
    for (NodeCheck check : c.checks()) {
      CatalogState now = s.view().catalog();
      if (!check.isNodeCheck() && now.service(check.node(), check.serviceId()).isEmpty()) {
        p.add(
            "Checks",
            "check '"
                + check.id()
                + "': Missing service registration: no service '"
                + check.serviceId()
                + "' on node '"
                + check.node()
                + "'");
        continue;
      }
      put(now.check(check.node(), check.id()), check, at, s::putNodeCheck);
    }
    p.throwIfAny();
    return CommandApplier.outcome(s, at);
  }

  static CommandResult deregister(WorkingState s, CatalogDeregister c, long at) {
    CatalogState state = s.view().catalog();
    if (c.serviceId().isEmpty() && c.checkId().isEmpty()) {
      if (state.node(c.node()).isPresent()) {
        for (Indexed<NodeCheck> check : List.copyOf(state.checksOn(c.node()))) {
          s.removeNodeCheck(check.value(), at);
        }
        for (Indexed<NodeService> service : List.copyOf(state.servicesOn(c.node()))) {
          s.removeNodeService(service.value(), at);
        }
        s.removeNode(c.node(), at);
      }
      return CommandApplier.outcome(s, at);
    }
    c.serviceId()
        .flatMap(id -> state.service(c.node(), id))
        .ifPresent(v -> removeService(s, v, at));
    c.checkId()
        .flatMap(id -> s.view().catalog().check(c.node(), id))
        .ifPresent(check -> s.removeNodeCheck(check.value(), at));
    return CommandApplier.outcome(s, at);
  }

  private static void removeService(WorkingState s, Indexed<NodeService> service, long at) {
    String id = service.value().service().id();
    for (Indexed<NodeCheck> check :
        List.copyOf(s.view().catalog().checksOn(service.value().node()))) {
      if (check.value().serviceId().equals(id)) {
        s.removeNodeCheck(check.value(), at);
      }
    }
    s.removeNodeService(service.value(), at);
  }

  /** Writes {@code value} unless it is what is stored already, keeping the create index. */
  private static <T> void put(
      Optional<Indexed<T>> existing, T value, long at, java.util.function.Consumer<Indexed<T>> to) {
    if (existing.isPresent() && existing.get().value().equals(value)) {
      return;
    }
    to.accept(
        existing.map(e -> e.modified(value, at)).orElseGet(() -> new Indexed<>(value, at, at)));
  }
}
