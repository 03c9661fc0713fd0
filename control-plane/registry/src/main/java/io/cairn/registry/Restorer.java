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
import io.cairn.registry.store.RecordSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pcollections.TreePMap;

/**
 * Rebuilds a snapshot from stored records, as the store reads them. Each record is decoded and put
 * into the maps its table needs as it arrives, so the work is done in small per-record methods,
 * which the JIT compiles after a few hundred calls, rather than in loops over everything at the
 * end, which run interpreted until on-stack replacement kicks in after tens of thousands of
 * iterations. The sorted maps become persistent ones in one pass each at the end.
 *
 * <p>One instance restores one snapshot, on one thread.
 */
final class Restorer implements RecordSink {
  private final RecordCodec codec;
  private final ExactShapeDecoder exact = new ExactShapeDecoder();

  private final TreeMap<String, Indexed<ServiceInstance>> instances = new TreeMap<>();
  // The service of each instance id, for the checks and maintenance marks that name it.
  private final HashMap<String, String> serviceOfInstance = new HashMap<>();
  // Keyed by service: hashed while filled, sorted once at the end.
  private final HashMap<String, TreeMap<String, Indexed<ServiceInstance>>> instancesByService =
      new HashMap<>();
  // The highest index of each service so far, in a mutable cell rather than a boxed long.
  private final HashMap<String, long[]> serviceIndexes = new HashMap<>();
  private final TreeMap<Integer, Integer> proxyPorts = new TreeMap<>();
  private final List<Indexed<HealthCheck>> checkRecords = new ArrayList<>();
  private final TreeMap<String, Indexed<HealthCheck>> checks = new TreeMap<>();
  // Most instances have one check or a few: their groups are persistent from the start.
  private final TreeMap<String, TreePMap<String, Indexed<HealthCheck>>> checksByInstance =
      new TreeMap<>();
  private final List<Indexed<Maintenance>> maintenance = new ArrayList<>();
  private final TreeMap<ConfigEntryKey, Indexed<ConfigEntry>> config = new TreeMap<>();
  private final TreeMap<String, Indexed<AclPolicy>> policies = new TreeMap<>();
  private final TreeMap<String, Indexed<AclToken>> tokens = new TreeMap<>();
  private final TreeMap<String, Indexed<KvEntry>> kv = new TreeMap<>();
  private final TreeMap<String, Indexed<Session>> sessions = new TreeMap<>();
  private final TreeMap<String, Long> marks = new TreeMap<>();
  private final TreeMap<String, Indexed<CatalogNode>> nodes = new TreeMap<>();
  private final TreeMap<String, Indexed<NodeService>> nodeServices = new TreeMap<>();
  private final TreeMap<String, Indexed<NodeCheck>> nodeChecks = new TreeMap<>();
  private Optional<Indexed<CaSetup>> ca = Optional.empty();

  // The highest modify index among each blocking-query table's records so far.
  private long catalog;
  private long health;
  private long configIndex;

  Restorer(RecordCodec codec) {
    this.codec = codec;
  }

  @Override
  public void accept(String table, String key, long createIndex, long modifyIndex, byte[] value) {
    switch (codec.decode(exact, table, key, createIndex, modifyIndex, value)) {
      case ServiceInstance i -> addInstance(new Indexed<>(i, createIndex, modifyIndex));
      case HealthCheck c -> addCheck(new Indexed<>(c, createIndex, modifyIndex));
      case Maintenance m -> {
        maintenance.add(new Indexed<>(m, createIndex, modifyIndex));
        health = Math.max(health, modifyIndex);
      }
      case ConfigEntry e -> {
        config.put(e.key(), new Indexed<>(e, createIndex, modifyIndex));
        configIndex = Math.max(configIndex, modifyIndex);
      }
      case AclPolicy p -> policies.put(p.id(), new Indexed<>(p, createIndex, modifyIndex));
      case AclToken t -> tokens.put(t.accessorId(), new Indexed<>(t, createIndex, modifyIndex));
      case KvEntry e -> kv.put(e.key(), new Indexed<>(e, createIndex, modifyIndex));
      case Session e -> sessions.put(e.id(), new Indexed<>(e, createIndex, modifyIndex));
      case RecordCodec.IndexMark m -> marks.put(m.key(), modifyIndex);
      case CatalogNode n -> nodes.put(n.name(), new Indexed<>(n, createIndex, modifyIndex));
      case NodeService n -> nodeServices.put(n.key(), new Indexed<>(n, createIndex, modifyIndex));
      case NodeCheck n -> nodeChecks.put(n.key(), new Indexed<>(n, createIndex, modifyIndex));
      case CaSetup c -> ca = Optional.of(new Indexed<>(c, createIndex, modifyIndex));
      case Object other -> throw new IllegalStateException("unexpected stored value " + other);
    }
  }

  private void addInstance(Indexed<ServiceInstance> i) {
    ServiceInstance instance = i.value();
    if (instance.proxy().isPresent()) {
      proxyPorts.merge(instance.port(), 1, Integer::sum);
    }
    instances.put(instance.id(), i);
    serviceOfInstance.put(instance.id(), instance.name());
    instancesByService.computeIfAbsent(instance.name(), k -> new TreeMap<>()).put(instance.id(), i);
    raise(instance.name(), i.modifyIndex());
    catalog = Math.max(catalog, i.modifyIndex());
  }

  private void addCheck(Indexed<HealthCheck> c) {
    HealthCheck check = c.value();
    checkRecords.add(c);
    checks.put(check.id(), c);
    checksByInstance.merge(
        check.serviceId(),
        TreePMap.singleton(check.id(), c),
        (group, single) -> group.plus(check.id(), c));
    health = Math.max(health, c.modifyIndex());
  }

  /** The snapshot of every record taken, at {@code lastIndex}. */
  RegistrySnapshot snapshot(long lastIndex) {
    // A check or maintenance mark counts for its instance's service: known once all are read.
    checkRecords.forEach(c -> raiseOwner(c.value().serviceId(), c.modifyIndex()));
    TreeMap<String, Indexed<Maintenance>> maintenanceById = new TreeMap<>();
    for (Indexed<Maintenance> m : maintenance) {
      maintenanceById.put(m.value().instanceId(), m);
      raiseOwner(m.value().instanceId(), m.modifyIndex());
    }
    // Data written before index records existed has none: the records' own modify indexes stand
    // in, the same on every replica that reads the same records.
    long catalogIndex = Math.max(catalog, mark(WorkingState.CATALOG_INDEX));
    long healthIndex = Math.max(health, mark(WorkingState.HEALTH_INDEX));
    long configTableIndex = Math.max(configIndex, mark(WorkingState.CONFIG_INDEX));
    CatalogState catalogState = catalogState();
    for (Indexed<CatalogNode> n : nodes.values()) {
      catalogIndex = Math.max(catalogIndex, n.modifyIndex());
    }
    for (Indexed<NodeService> n : nodeServices.values()) {
      catalogIndex = Math.max(catalogIndex, n.modifyIndex());
      raise(n.value().service().name(), n.modifyIndex());
    }
    for (Indexed<NodeCheck> c : nodeChecks.values()) {
      healthIndex = Math.max(healthIndex, c.modifyIndex());
    }
    long kvIndex = mark(WorkingState.KV_INDEX);
    for (Indexed<KvEntry> e : kv.values()) {
      kvIndex = Math.max(kvIndex, e.modifyIndex());
    }
    marks.forEach(
        (key, at) -> {
          if (key.startsWith(WorkingState.SERVICE_INDEX)) {
            raise(key.substring(WorkingState.SERVICE_INDEX.length()), at);
          }
        });
    return new RegistrySnapshot(
        lastIndex,
        TreePMap.fromSortedMap(instances),
        nested(instancesByService),
        TreePMap.fromSortedMap(checks),
        TreePMap.fromSortedMap(checksByInstance),
        TreePMap.fromSortedMap(maintenanceById),
        TreePMap.fromSortedMap(config),
        serviceIndexes(),
        new TableIndexes(catalogIndex, healthIndex, configTableIndex),
        new AclState(TreePMap.fromSortedMap(policies), TreePMap.fromSortedMap(tokens)),
        TreePMap.fromSortedMap(proxyPorts),
        new KvState(
            TreePMap.fromSortedMap(kv),
            kvIndex,
            mark(WorkingState.KV_DELETE_INDEX),
            TreePMap.fromSortedMap(sessions),
            sessionIndex(),
            TreePMap.empty()),
        catalogState,
        ca);
  }

  /**
   * The catalog nodes with their services and checks; entries of a node that is gone (a record
   * edited by hand) are dropped, as the writer never leaves them.
   */
  private CatalogState catalogState() {
    TreeMap<String, TreeMap<String, Indexed<NodeService>>> byName = new TreeMap<>();
    TreeMap<String, Indexed<NodeService>> services = new TreeMap<>();
    nodeServices.forEach(
        (key, s) -> {
          if (nodes.containsKey(s.value().node())) {
            services.put(key, s);
            byName.computeIfAbsent(s.value().service().name(), k -> new TreeMap<>()).put(key, s);
          }
        });
    TreeMap<String, Indexed<NodeCheck>> catalogChecks = new TreeMap<>();
    nodeChecks.forEach(
        (key, c) -> {
          if (nodes.containsKey(c.value().node())) {
            catalogChecks.put(key, c);
          }
        });
    return new CatalogState(
        TreePMap.fromSortedMap(nodes),
        TreePMap.fromSortedMap(services),
        nested(byName),
        TreePMap.fromSortedMap(catalogChecks));
  }

  private long sessionIndex() {
    long index = mark(WorkingState.SESSION_INDEX);
    for (Indexed<Session> e : sessions.values()) {
      index = Math.max(index, e.modifyIndex());
    }
    return index;
  }

  private long mark(String key) {
    return marks.getOrDefault(key, 0L);
  }

  /** Raises the index of the service instance {@code instanceId} belongs to, if it exists. */
  private void raiseOwner(String instanceId, long at) {
    String service = serviceOfInstance.get(instanceId);
    if (service != null) {
      raise(service, at);
    }
  }

  private void raise(String service, long at) {
    long[] index = serviceIndexes.computeIfAbsent(service, s -> new long[1]);
    index[0] = Math.max(index[0], at);
  }

  private TreePMap<String, Long> serviceIndexes() {
    TreeMap<String, Long> sorted = new TreeMap<>();
    serviceIndexes.forEach((service, index) -> sorted.put(service, index[0]));
    return TreePMap.fromSortedMap(sorted);
  }

  /** Groups as persistent maps, sorted by group. */
  private static <V> TreePMap<String, TreePMap<String, V>> nested(
      Map<String, TreeMap<String, V>> groups) {
    TreeMap<String, TreePMap<String, V>> persistent = new TreeMap<>();
    groups.forEach((group, members) -> persistent.put(group, TreePMap.fromSortedMap(members)));
    return TreePMap.fromSortedMap(persistent);
  }
}
