package io.cairn.registry;

import io.cairn.registry.acl.AclPolicy;
import io.cairn.registry.acl.AclState;
import io.cairn.registry.acl.AclToken;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.CatalogState;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.kv.KvState;
import io.cairn.registry.kv.Session;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.Maintenance;
import io.cairn.registry.model.ServiceInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * The writer's scratch state while it applies one batch: the persistent maps of the snapshot being
 * built, the writes to commit, and what changed. Keeps secondary indexes (instances by service,
 * checks by instance, ports taken by sidecars) and the per-service and per-table indexes in step
 * with every change; those blocking-query indexes are written as {@link Table#INDEX} records with
 * each change, so a restore computes the same ones (see {@link RecordCodec#restore}). A {@link
 * Mark} rolls a rejected command back; everything is persistent, so that is free. Writer thread
 * only.
 */
final class WorkingState {
  /** Keys of {@link Table#INDEX} records. */
  static final String SERVICE_INDEX = "service/";

  static final String CATALOG_INDEX = "table/catalog";
  static final String HEALTH_INDEX = "table/health";
  static final String CONFIG_INDEX = "table/config";
  static final String KV_INDEX = "table/kv";
  static final String KV_DELETE_INDEX = "table/kv-delete";
  static final String SESSION_INDEX = "table/session";

  /** The key of the one {@link Table#CA} record. */
  static final String CA_KEY = "ca";

  private long index;
  private TreePMap<String, Indexed<ServiceInstance>> instances;
  private TreePMap<String, TreePMap<String, Indexed<ServiceInstance>>> byService;
  private TreePMap<String, Indexed<HealthCheck>> checks;
  private TreePMap<String, TreePMap<String, Indexed<HealthCheck>>> checksByInstance;
  private TreePMap<String, Indexed<Maintenance>> maintenance;
  private TreePMap<ConfigEntryKey, Indexed<ConfigEntry>> config;
  private TreePMap<String, Long> serviceIndexes;
  private TableIndexes tableIndexes;
  private AclState acl;
  private TreePMap<Integer, Integer> proxyPorts;
  private KvState kv;
  private CatalogState catalog;
  private Optional<Indexed<CaSetup>> ca;
  private TreePSet<String> changedServices = TreePSet.empty();
  private TreePSet<String> changedInstances = TreePSet.empty();
  private TreePSet<ConfigEntryKey> changedConfig = TreePSet.empty();
  private final List<Write> writes = new ArrayList<>();
  private RegistrySnapshot view;

  WorkingState(RegistrySnapshot base) {
    restore(base);
  }

  private void restore(RegistrySnapshot s) {
    index = s.index;
    instances = s.instances;
    byService = s.byService;
    checks = s.checks;
    checksByInstance = s.checksByInstance;
    maintenance = s.maintenance;
    config = s.config;
    serviceIndexes = s.serviceIndexes;
    tableIndexes = s.tableIndexes;
    acl = s.acl;
    proxyPorts = s.proxyPorts;
    kv = s.kv;
    catalog = s.catalog;
    ca = s.ca;
    view = s;
  }

  /** A point to return to when a command is rejected halfway. */
  record Mark(
      RegistrySnapshot state,
      TreePSet<String> changedServices,
      TreePSet<String> changedInstances,
      TreePSet<ConfigEntryKey> changedConfig,
      int writes) {}

  Mark mark() {
    return new Mark(view(), changedServices, changedInstances, changedConfig, writes.size());
  }

  void reset(Mark mark) {
    restore(mark.state());
    changedServices = mark.changedServices();
    changedInstances = mark.changedInstances();
    changedConfig = mark.changedConfig();
    writes.subList(mark.writes(), writes.size()).clear();
  }

  /** The state so far as a snapshot; built once per change, shared until the next one. */
  RegistrySnapshot view() {
    if (view == null) {
      view =
          new RegistrySnapshot(
              index,
              instances,
              byService,
              checks,
              checksByInstance,
              maintenance,
              config,
              serviceIndexes,
              tableIndexes,
              acl,
              proxyPorts,
              kv,
              catalog,
              ca);
    }
    return view;
  }

  long index() {
    return index;
  }

  List<Write> writes() {
    return writes;
  }

  TreePSet<String> changedServices() {
    return changedServices;
  }

  /** Instances whose registration, checks or maintenance changed (added, updated or removed). */
  TreePSet<String> changedInstances() {
    return changedInstances;
  }

  TreePSet<ConfigEntryKey> changedConfig() {
    return changedConfig;
  }

  void putInstance(Indexed<ServiceInstance> entry) {
    ServiceInstance instance = entry.value();
    long at = advance(entry.modifyIndex());
    Indexed<ServiceInstance> previous = instances.get(instance.id());
    if (previous != null && !previous.value().name().equals(instance.name())) {
      byService = withoutMember(byService, previous.value().name(), instance.id());
      touchService(previous.value().name(), at);
    }
    if (previous != null) {
      proxyPorts = countProxyPort(proxyPorts, previous.value(), -1);
    }
    proxyPorts = countProxyPort(proxyPorts, instance, 1);
    byService = withMember(byService, instance.name(), instance.id(), entry);
    instances = instances.plus(instance.id(), entry);
    changedInstances = changedInstances.plus(instance.id());
    writes.add(new Write.Put(Table.INSTANCE, instance.id(), entry));
    touchService(instance.name(), at);
    touchCatalog(at);
  }

  void removeInstance(ServiceInstance instance, long at) {
    advance(at);
    Indexed<ServiceInstance> stored = instances.get(instance.id());
    if (stored != null) {
      proxyPorts = countProxyPort(proxyPorts, stored.value(), -1);
    }
    instances = instances.minus(instance.id());
    changedInstances = changedInstances.plus(instance.id());
    byService = withoutMember(byService, instance.name(), instance.id());
    writes.add(new Write.Delete(Table.INSTANCE, instance.id()));
    touchService(instance.name(), at);
    touchCatalog(at);
  }

  void putCheck(Indexed<HealthCheck> entry, String service) {
    HealthCheck check = entry.value();
    long at = advance(entry.modifyIndex());
    checks = checks.plus(check.id(), entry);
    checksByInstance = withMember(checksByInstance, check.serviceId(), check.id(), entry);
    changedInstances = changedInstances.plus(check.serviceId());
    writes.add(new Write.Put(Table.CHECK, check.id(), entry));
    touchHealth(service, at);
  }

  void removeCheck(HealthCheck check, String service, long at) {
    advance(at);
    checks = checks.minus(check.id());
    checksByInstance = withoutMember(checksByInstance, check.serviceId(), check.id());
    changedInstances = changedInstances.plus(check.serviceId());
    writes.add(new Write.Delete(Table.CHECK, check.id()));
    touchHealth(service, at);
  }

  void putMaintenance(Indexed<Maintenance> entry, String service) {
    long at = advance(entry.modifyIndex());
    String id = entry.value().instanceId();
    maintenance = maintenance.plus(id, entry);
    changedInstances = changedInstances.plus(id);
    writes.add(new Write.Put(Table.MAINTENANCE, id, entry));
    touchHealth(service, at);
  }

  void removeMaintenance(String instanceId, String service, long at) {
    advance(at);
    maintenance = maintenance.minus(instanceId);
    changedInstances = changedInstances.plus(instanceId);
    writes.add(new Write.Delete(Table.MAINTENANCE, instanceId));
    touchHealth(service, at);
  }

  void putConfig(Indexed<ConfigEntry> entry) {
    long at = advance(entry.modifyIndex());
    ConfigEntryKey key = entry.value().key();
    config = config.plus(key, entry);
    writes.add(new Write.Put(Table.CONFIG, key.toString(), entry));
    touchConfig(key, at);
  }

  void removeConfig(ConfigEntryKey key, long at) {
    advance(at);
    config = config.minus(key);
    writes.add(new Write.Delete(Table.CONFIG, key.toString()));
    touchConfig(key, at);
  }

  void putPolicy(Indexed<AclPolicy> entry) {
    advance(entry.modifyIndex());
    String id = entry.value().id();
    acl = new AclState(acl.storedPolicies().plus(id, entry), acl.storedTokens());
    writes.add(new Write.Put(Table.ACL_POLICY, id, entry));
  }

  void removePolicy(String id, long at) {
    advance(at);
    acl = new AclState(acl.storedPolicies().minus(id), acl.storedTokens());
    writes.add(new Write.Delete(Table.ACL_POLICY, id));
  }

  void putToken(Indexed<AclToken> entry) {
    advance(entry.modifyIndex());
    String id = entry.value().accessorId();
    acl = new AclState(acl.storedPolicies(), acl.storedTokens().plus(id, entry));
    writes.add(new Write.Put(Table.ACL_TOKEN, id, entry));
  }

  void removeToken(String accessorId, long at) {
    advance(at);
    acl = new AclState(acl.storedPolicies(), acl.storedTokens().minus(accessorId));
    writes.add(new Write.Delete(Table.ACL_TOKEN, accessorId));
  }

  void putKv(Indexed<KvEntry> entry) {
    long at = advance(entry.modifyIndex());
    String key = entry.value().key();
    kv = kv.withEntries(kv.entries().plus(key, entry), at, kv.deleteIndex());
    writes.add(new Write.Put(Table.KV, key, entry));
    indexWrite(KV_INDEX, at);
  }

  void removeKv(String key, long at) {
    advance(at);
    kv = kv.withEntries(kv.entries().minus(key), at, at);
    writes.add(new Write.Delete(Table.KV, key));
    indexWrite(KV_INDEX, at);
    indexWrite(KV_DELETE_INDEX, at);
  }

  void putSession(Indexed<Session> entry) {
    long at = advance(entry.modifyIndex());
    String id = entry.value().id();
    kv = kv.withSessions(kv.sessions().plus(id, entry), at);
    writes.add(new Write.Put(Table.SESSION, id, entry));
    indexWrite(SESSION_INDEX, at);
  }

  /**
   * Removes a session. The keys it holds get its lock delay, from this replica's clock, as each
   * Consul server sets it when it applies the invalidation; the caller then releases or deletes
   * them.
   */
  void removeSession(String id, long at, long nowMillis) {
    advance(at);
    Indexed<Session> session = kv.sessions().get(id);
    if (session == null) {
      return;
    }
    long delay = session.value().lockDelay().toMillis();
    if (delay > 0) {
      TreePMap<String, Long> delays = kv.lockDelays();
      for (Indexed<KvEntry> held : kv.heldBy(id)) {
        delays = delays.plus(held.value().key(), nowMillis + delay);
      }
      kv = kv.withLockDelays(delays);
    }
    kv = kv.withSessions(kv.sessions().minus(id), at);
    writes.add(new Write.Delete(Table.SESSION, id));
    indexWrite(SESSION_INDEX, at);
  }

  /** Forgets lock delays that ended before {@code nowMillis}; not a change of state. */
  void pruneLockDelays(long nowMillis) {
    TreePMap<String, Long> delays = kv.lockDelays();
    for (var e : delays.entrySet()) {
      if (e.getValue() <= nowMillis) {
        delays = delays.minus(e.getKey());
      }
    }
    if (delays != kv.lockDelays()) {
      kv = kv.withLockDelays(delays);
      view = null;
    }
  }

  void putCa(Indexed<CaSetup> entry) {
    advance(entry.modifyIndex());
    ca = Optional.of(entry);
    writes.add(new Write.Put(Table.CA, CA_KEY, entry));
  }

  void putNode(Indexed<CatalogNode> entry) {
    long at = advance(entry.modifyIndex());
    String name = entry.value().name();
    catalog =
        new CatalogState(
            catalog.nodes().plus(name, entry),
            catalog.services(),
            catalog.byService(),
            catalog.checks());
    writes.add(new Write.Put(Table.NODE, name, entry));
    touchCatalog(at);
    touchServicesOn(name, at);
  }

  /** Removes a node; its services and checks must be gone already. */
  void removeNode(String name, long at) {
    advance(at);
    catalog =
        new CatalogState(
            catalog.nodes().minus(name), catalog.services(), catalog.byService(), catalog.checks());
    writes.add(new Write.Delete(Table.NODE, name));
    touchCatalog(at);
  }

  void putNodeService(Indexed<NodeService> entry) {
    long at = advance(entry.modifyIndex());
    NodeService service = entry.value();
    String key = service.key();
    Indexed<NodeService> previous = catalog.services().get(key);
    var byName = catalog.byService();
    if (previous != null && !previous.value().service().name().equals(service.service().name())) {
      byName = withoutMember(byName, previous.value().service().name(), key);
      touchService(previous.value().service().name(), at);
    }
    byName = withMember(byName, service.service().name(), key, entry);
    catalog =
        new CatalogState(
            catalog.nodes(), catalog.services().plus(key, entry), byName, catalog.checks());
    writes.add(new Write.Put(Table.NODE_SERVICE, key, entry));
    touchService(service.service().name(), at);
    touchCatalog(at);
  }

  /** Removes a node's service; its checks must be gone already. */
  void removeNodeService(NodeService service, long at) {
    advance(at);
    String key = service.key();
    catalog =
        new CatalogState(
            catalog.nodes(),
            catalog.services().minus(key),
            withoutMember(catalog.byService(), service.service().name(), key),
            catalog.checks());
    writes.add(new Write.Delete(Table.NODE_SERVICE, key));
    touchService(service.service().name(), at);
    touchCatalog(at);
  }

  void putNodeCheck(Indexed<NodeCheck> entry) {
    long at = advance(entry.modifyIndex());
    NodeCheck check = entry.value();
    catalog =
        new CatalogState(
            catalog.nodes(),
            catalog.services(),
            catalog.byService(),
            catalog.checks().plus(check.key(), entry));
    writes.add(new Write.Put(Table.NODE_CHECK, check.key(), entry));
    touchNodeCheck(check, at);
  }

  void removeNodeCheck(NodeCheck check, long at) {
    advance(at);
    catalog =
        new CatalogState(
            catalog.nodes(),
            catalog.services(),
            catalog.byService(),
            catalog.checks().minus(check.key()));
    writes.add(new Write.Delete(Table.NODE_CHECK, check.key()));
    touchNodeCheck(check, at);
  }

  /** A node check counts for every service of its node; a service check for its service. */
  private void touchNodeCheck(NodeCheck check, long at) {
    touchHealthTable(at);
    if (check.isNodeCheck()) {
      touchServicesOn(check.node(), at);
    } else {
      catalog
          .service(check.node(), check.serviceId())
          .ifPresent(s -> touchService(s.value().service().name(), at));
    }
  }

  private void touchServicesOn(String node, long at) {
    for (Indexed<NodeService> s : catalog.servicesOn(node)) {
      touchService(s.value().service().name(), at);
    }
  }

  /** Moves the index to {@code at} even if nothing changed (a shared store's empty commit). */
  void moveTo(long at) {
    if (at != index) {
      advance(at);
    }
  }

  /** Moves the index to {@code at} (the current command's) and invalidates the cached view. */
  private long advance(long at) {
    if (at < index) {
      throw new IllegalStateException("index " + at + " is behind " + index);
    }
    index = at;
    view = null;
    return at;
  }

  /**
   * Sets a blocking-query index from a stored {@link Table#INDEX} record ({@code service/<name>} or
   * {@code table/<name>}) another replica committed at {@code at}; unknown keys are ignored.
   */
  void touchIndex(String key, long at) {
    advance(at);
    if (key.startsWith(SERVICE_INDEX)) {
      touchService(key.substring(SERVICE_INDEX.length()), at);
    } else {
      switch (key) {
        case CATALOG_INDEX -> touchCatalog(at);
        case HEALTH_INDEX -> touchHealthTable(at);
        case CONFIG_INDEX -> touchConfigTable(at);
        case KV_INDEX -> kv = kv.withEntries(kv.entries(), at, kv.deleteIndex());
        case KV_DELETE_INDEX -> kv = kv.withEntries(kv.entries(), kv.index(), at);
        case SESSION_INDEX -> kv = kv.withSessions(kv.sessions(), at);
        default -> {}
      }
    }
  }

  private void touchService(String service, long at) {
    serviceIndexes = serviceIndexes.plus(service, at);
    changedServices = changedServices.plus(service);
    if (!service.isEmpty()) {
      indexWrite(SERVICE_INDEX + service, at);
    }
  }

  private void touchCatalog(long at) {
    tableIndexes = new TableIndexes(at, tableIndexes.health(), tableIndexes.config());
    indexWrite(CATALOG_INDEX, at);
  }

  private void touchHealth(String service, long at) {
    touchService(service, at);
    touchHealthTable(at);
  }

  private void touchHealthTable(long at) {
    tableIndexes = new TableIndexes(tableIndexes.catalog(), at, tableIndexes.config());
    indexWrite(HEALTH_INDEX, at);
  }

  private void touchConfig(ConfigEntryKey key, long at) {
    changedConfig = changedConfig.plus(key);
    touchConfigTable(at);
  }

  private void touchConfigTable(long at) {
    tableIndexes = new TableIndexes(tableIndexes.catalog(), tableIndexes.health(), at);
    indexWrite(CONFIG_INDEX, at);
  }

  /** Stores the index with the change itself, so a restore finds it (see {@link Table#INDEX}). */
  private void indexWrite(String key, long at) {
    writes.add(new Write.Put(Table.INDEX, key, new Indexed<>(key, at, at)));
  }

  /** {@code ports} with {@code instance}'s port counted {@code delta} more times, if a proxy. */
  private static TreePMap<Integer, Integer> countProxyPort(
      TreePMap<Integer, Integer> ports, ServiceInstance instance, int delta) {
    if (instance.proxy().isEmpty()) {
      return ports;
    }
    int count = ports.getOrDefault(instance.port(), 0) + delta;
    return count > 0 ? ports.plus(instance.port(), count) : ports.minus(instance.port());
  }

  private static <V> TreePMap<String, TreePMap<String, V>> withMember(
      TreePMap<String, TreePMap<String, V>> groups, String group, String member, V value) {
    return groups.plus(group, groups.getOrDefault(group, TreePMap.empty()).plus(member, value));
  }

  private static <V> TreePMap<String, TreePMap<String, V>> withoutMember(
      TreePMap<String, TreePMap<String, V>> groups, String group, String member) {
    TreePMap<String, V> members = groups.get(group);
    if (members == null) {
      return groups;
    }
    TreePMap<String, V> rest = members.minus(member);
    return rest.isEmpty() ? groups.minus(group) : groups.plus(group, rest);
  }
}
