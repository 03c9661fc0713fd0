package io.cairn.admin.consul;

import io.cairn.admin.consul.ConsulJson.AgentServiceJson;
import io.cairn.admin.consul.ConsulJson.CatalogServiceJson;
import io.cairn.admin.consul.ConsulJson.CheckJson;
import io.cairn.admin.consul.ConsulJson.HealthEntryJson;
import io.cairn.admin.consul.ConsulJson.NodeJson;
import io.cairn.admin.consul.ConsulJson.WeightsJson;
import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.CatalogState;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.catalog.NodeServiceHealth;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.ServiceInstance;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Consul's JSON shapes for nodes registered through the catalog (external nodes): no serfHealth
 * check, a service without its own address shows {@code ""} and is reached at the node's. Pure.
 */
public final class CatalogNodeViews {
  private final ConsulViews views;

  public CatalogNodeViews(ConsulViews views) {
    this.views = views;
  }

  public NodeJson node(Indexed<CatalogNode> indexed) {
    CatalogNode n = indexed.value();
    return new NodeJson(
        id(n),
        n.name(),
        n.address(),
        views.node().datacenter(),
        n.taggedAddresses(),
        n.meta(),
        indexed.createIndex(),
        indexed.modifyIndex());
  }

  /** The node's UUID as registered, or one derived from its name, stable across restarts. */
  private static String id(CatalogNode n) {
    return n.id().isEmpty()
        ? UUID.nameUUIDFromBytes(
                ("cairn-catalog-node:" + n.name()).getBytes(StandardCharsets.UTF_8))
            .toString()
        : n.id();
  }

  public AgentServiceJson service(Indexed<NodeService> indexed) {
    NodeService s = indexed.value();
    return views.agentService(
        new Indexed<>(s.service(), indexed.createIndex(), indexed.modifyIndex()),
        s.nodeAddress() ? "" : s.service().address());
  }

  public CatalogServiceJson catalogRow(Indexed<CatalogNode> node, Indexed<NodeService> indexed) {
    CatalogNode n = node.value();
    NodeService ns = indexed.value();
    ServiceInstance s = ns.service();
    return new CatalogServiceJson(
        id(n),
        n.name(),
        n.address(),
        views.node().datacenter(),
        n.taggedAddresses(),
        n.meta(),
        "",
        s.id(),
        s.name(),
        s.tags(),
        ns.nodeAddress() ? "" : s.address(),
        new WeightsJson(s.weights().passing(), s.weights().warning()),
        s.meta(),
        s.port(),
        false,
        Optional.empty(),
        ConsulViews.connect(s),
        Optional.empty(),
        indexed.createIndex(),
        indexed.modifyIndex());
  }

  public HealthEntryJson healthEntry(NodeServiceHealth h) {
    ServiceInstance owner = h.service().value().service();
    List<CheckJson> checks = new ArrayList<>(h.checks().size());
    for (Indexed<NodeCheck> c : h.checks()) {
      checks.add(check(c, c.value().isNodeCheck() ? Optional.empty() : Optional.of(owner)));
    }
    return new HealthEntryJson(node(h.node()), service(h.service()), checks);
  }

  /** A check with the name and tags of the service it belongs to, if any. */
  public CheckJson check(Indexed<NodeCheck> indexed, Optional<ServiceInstance> owner) {
    NodeCheck c = indexed.value();
    return new CheckJson(
        c.node(),
        c.id(),
        c.name(),
        c.status().wireName(),
        c.notes(),
        c.output(),
        c.serviceId(),
        owner.map(ServiceInstance::name).orElse(""),
        owner.map(ServiceInstance::tags).orElse(List.of()),
        "",
        "",
        "",
        0,
        ConsulViews.NO_DEFINITION,
        indexed.createIndex(),
        indexed.modifyIndex());
  }

  /** A check of {@code catalog} with the service it belongs to. */
  public CheckJson check(CatalogState catalog, Indexed<NodeCheck> indexed) {
    NodeCheck c = indexed.value();
    Optional<ServiceInstance> owner =
        c.isNodeCheck()
            ? Optional.empty()
            : catalog.service(c.node(), c.serviceId()).map(s -> s.value().service());
    return check(indexed, owner);
  }
}
