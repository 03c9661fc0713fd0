package io.cairn.registry.catalog;

import io.cairn.registry.model.Indexed;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import org.pcollections.TreePMap;

/**
 * The catalog nodes at one index, with their services and checks. Services and checks are keyed
 * {@code <node>/<id>}: node names are DNS labels and ids have no '/', so a node's entries are one
 * contiguous range.
 *
 * @param nodes every node by name
 * @param services every service by key
 * @param byService services by service name, then key
 * @param checks every check by key
 */
public record CatalogState(
    TreePMap<String, Indexed<CatalogNode>> nodes,
    TreePMap<String, Indexed<NodeService>> services,
    TreePMap<String, TreePMap<String, Indexed<NodeService>>> byService,
    TreePMap<String, Indexed<NodeCheck>> checks) {
  public static final CatalogState EMPTY =
      new CatalogState(TreePMap.empty(), TreePMap.empty(), TreePMap.empty(), TreePMap.empty());

  public CatalogState {
    Objects.requireNonNull(nodes, "nodes");
    Objects.requireNonNull(services, "services");
    Objects.requireNonNull(byService, "byService");
    Objects.requireNonNull(checks, "checks");
  }

  /** The key of a node's service or check. */
  public static String key(String node, String id) {
    return node + "/" + id;
  }

  public Optional<Indexed<CatalogNode>> node(String name) {
    return Optional.ofNullable(nodes.get(name));
  }

  public Optional<Indexed<NodeService>> service(String node, String id) {
    return Optional.ofNullable(services.get(key(node, id)));
  }

  public Optional<Indexed<NodeCheck>> check(String node, String id) {
    return Optional.ofNullable(checks.get(key(node, id)));
  }

  /** A node's services, ordered by id. */
  public Collection<Indexed<NodeService>> servicesOn(String node) {
    return services.subMap(node + "/", node + "0").values();
  }

  /** A node's checks, node checks and service checks, ordered by id. */
  public Collection<Indexed<NodeCheck>> checksOn(String node) {
    return checks.subMap(node + "/", node + "0").values();
  }

  /** Names of services on at least one catalog node, ordered. */
  public SortedSet<String> serviceNames() {
    return byService.keySet();
  }

  /** The services named {@code name} on every node, ordered by node then id. */
  public Collection<Indexed<NodeService>> servicesNamed(String name) {
    TreePMap<String, Indexed<NodeService>> of = byService.get(name);
    return of == null ? List.of() : of.values();
  }

  /** The services named {@code name} with their nodes and checks, ordered by node then id. */
  public List<NodeServiceHealth> health(String name) {
    List<NodeServiceHealth> out = new ArrayList<>();
    for (Indexed<NodeService> s : servicesNamed(name)) {
      out.add(health(s));
    }
    return List.copyOf(out);
  }

  /** One service with its node and the checks that count for it: the node's, then its own. */
  public NodeServiceHealth health(Indexed<NodeService> s) {
    String node = s.value().node();
    List<Indexed<NodeCheck>> nodeChecks = new ArrayList<>();
    List<Indexed<NodeCheck>> own = new ArrayList<>();
    for (Indexed<NodeCheck> c : checksOn(node)) {
      if (c.value().isNodeCheck()) {
        nodeChecks.add(c);
      } else if (c.value().serviceId().equals(s.value().service().id())) {
        own.add(c);
      }
    }
    nodeChecks.addAll(own);
    return new NodeServiceHealth(nodes.get(node), s, nodeChecks);
  }
}
