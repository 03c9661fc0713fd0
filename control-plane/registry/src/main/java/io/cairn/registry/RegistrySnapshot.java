package io.cairn.registry;

import io.cairn.registry.acl.AclState;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.catalog.CatalogState;
import io.cairn.registry.command.PortRange;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.ConfigGraph;
import io.cairn.registry.kv.KvState;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.InstanceHealth;
import io.cairn.registry.model.Maintenance;
import io.cairn.registry.model.ServiceInstance;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedSet;
import org.pcollections.TreePMap;

/**
 * The registry's whole state at one index, immutable. Built from persistent maps, so a new snapshot
 * shares all unchanged structure with the previous one and costs O(log n) per change. Every
 * collection returned is ordered (ids, names) and unmodifiable.
 */
public final class RegistrySnapshot {
  static final RegistrySnapshot EMPTY =
      new RegistrySnapshot(
          0,
          TreePMap.empty(),
          TreePMap.empty(),
          TreePMap.empty(),
          TreePMap.empty(),
          TreePMap.empty(),
          TreePMap.empty(),
          TreePMap.empty(),
          TableIndexes.ZERO,
          AclState.EMPTY,
          TreePMap.empty(),
          KvState.EMPTY,
          CatalogState.EMPTY,
          Optional.empty());

  final long index;
  final TreePMap<String, Indexed<ServiceInstance>> instances;
  final TreePMap<String, TreePMap<String, Indexed<ServiceInstance>>> byService;
  final TreePMap<String, Indexed<HealthCheck>> checks;
  final TreePMap<String, TreePMap<String, Indexed<HealthCheck>>> checksByInstance;
  final TreePMap<String, Indexed<Maintenance>> maintenance;
  final TreePMap<ConfigEntryKey, Indexed<ConfigEntry>> config;
  final TreePMap<String, Long> serviceIndexes;
  final TableIndexes tableIndexes;
  final AclState acl;

  /** How many connect-proxy instances use each port: where a sidecar's port is picked. */
  final TreePMap<Integer, Integer> proxyPorts;

  final KvState kv;
  final CatalogState catalog;
  final Optional<Indexed<CaSetup>> ca;

  RegistrySnapshot(
      long index,
      TreePMap<String, Indexed<ServiceInstance>> instances,
      TreePMap<String, TreePMap<String, Indexed<ServiceInstance>>> byService,
      TreePMap<String, Indexed<HealthCheck>> checks,
      TreePMap<String, TreePMap<String, Indexed<HealthCheck>>> checksByInstance,
      TreePMap<String, Indexed<Maintenance>> maintenance,
      TreePMap<ConfigEntryKey, Indexed<ConfigEntry>> config,
      TreePMap<String, Long> serviceIndexes,
      TableIndexes tableIndexes,
      AclState acl,
      TreePMap<Integer, Integer> proxyPorts,
      KvState kv,
      CatalogState catalog,
      Optional<Indexed<CaSetup>> ca) {
    this.index = index;
    this.instances = instances;
    this.byService = byService;
    this.checks = checks;
    this.checksByInstance = checksByInstance;
    this.maintenance = maintenance;
    this.config = config;
    this.serviceIndexes = serviceIndexes;
    this.tableIndexes = tableIndexes;
    this.acl = acl;
    this.proxyPorts = proxyPorts;
    this.kv = kv;
    this.catalog = catalog;
    this.ca = ca;
  }

  /** The state of a registry that never changed. */
  public static RegistrySnapshot empty() {
    return EMPTY;
  }

  /** The key/value entries. */
  public KvState kv() {
    return kv;
  }

  /** Nodes other than Cairn's, registered through the catalog, with their services and checks. */
  public CatalogState catalog() {
    return catalog;
  }

  /** The mesh CA, once set up. */
  public Optional<Indexed<CaSetup>> ca() {
    return ca;
  }

  /** ACL policies and tokens. */
  public AclState acl() {
    return acl;
  }

  /** The index of the last change in this snapshot; 0 for a registry that never changed. */
  public long index() {
    return index;
  }

  public TableIndexes tableIndexes() {
    return tableIndexes;
  }

  /**
   * The last index at which anything about {@code service} changed (instances, checks,
   * maintenance); 0 if it never existed.
   */
  public long serviceIndex(String service) {
    return serviceIndexes.getOrDefault(service, 0L);
  }

  public Optional<Indexed<ServiceInstance>> instance(String id) {
    return Optional.ofNullable(instances.get(id));
  }

  /** Every instance, ordered by id. */
  public Collection<Indexed<ServiceInstance>> instances() {
    return instances.values();
  }

  public int instanceCount() {
    return instances.size();
  }

  /** Names of services with at least one instance, ordered. */
  public SortedSet<String> serviceNames() {
    return byService.keySet();
  }

  /** Instances of {@code service}, ordered by id; empty if it has none. */
  public Collection<Indexed<ServiceInstance>> instancesOf(String service) {
    TreePMap<String, Indexed<ServiceInstance>> of = byService.get(service);
    return of == null ? List.of() : of.values();
  }

  /** Instances of {@code service} with their checks and maintenance, ordered by id. */
  public List<InstanceHealth> health(String service) {
    Collection<Indexed<ServiceInstance>> of = instancesOf(service);
    List<InstanceHealth> result = new ArrayList<>(of.size());
    for (Indexed<ServiceInstance> instance : of) {
      result.add(healthOf(instance));
    }
    return List.copyOf(result);
  }

  public Optional<InstanceHealth> instanceHealth(String id) {
    return instance(id).map(this::healthOf);
  }

  private InstanceHealth healthOf(Indexed<ServiceInstance> instance) {
    String id = instance.value().id();
    return new InstanceHealth(
        instance, List.copyOf(checksOf(id)), Optional.ofNullable(maintenance.get(id)));
  }

  /** The lowest port of {@code range} that no connect-proxy instance uses. */
  OptionalInt freeProxyPort(PortRange range) {
    int candidate = range.first();
    for (int used : proxyPorts.subMap(range.first(), true, range.last(), true).keySet()) {
      if (used != candidate) {
        break;
      }
      candidate++;
    }
    return candidate <= range.last() ? OptionalInt.of(candidate) : OptionalInt.empty();
  }

  public Optional<Indexed<HealthCheck>> check(String id) {
    return Optional.ofNullable(checks.get(id));
  }

  /** Every check, ordered by id. */
  public Collection<Indexed<HealthCheck>> checks() {
    return checks.values();
  }

  public int checkCount() {
    return checks.size();
  }

  /** The checks of instance {@code instanceId}, ordered by check id. */
  public Collection<Indexed<HealthCheck>> checksOf(String instanceId) {
    TreePMap<String, Indexed<HealthCheck>> of = checksByInstance.get(instanceId);
    return of == null ? List.of() : of.values();
  }

  public Optional<Indexed<Maintenance>> maintenance(String instanceId) {
    return Optional.ofNullable(maintenance.get(instanceId));
  }

  /** Every maintenance mark, ordered by instance id. */
  public Collection<Indexed<Maintenance>> maintenances() {
    return maintenance.values();
  }

  public Optional<Indexed<ConfigEntry>> configEntry(ConfigEntryKey key) {
    return Optional.ofNullable(config.get(key));
  }

  public Optional<Indexed<ConfigEntry>> configEntry(ConfigEntryKind kind, String name) {
    return configEntry(new ConfigEntryKey(kind, name));
  }

  /** Entries of one kind, ordered by name. */
  public Collection<Indexed<ConfigEntry>> configEntries(ConfigEntryKind kind) {
    return config
        .subMap(new ConfigEntryKey(kind, ""), true, new ConfigEntryKey(kind, "\uffff"), true)
        .values();
  }

  /** Every config entry, ordered by kind then name. */
  public Collection<Indexed<ConfigEntry>> configEntries() {
    return config.values();
  }

  /** The config entries as a graph, for cross-entry lookups (protocol, resolver of a service). */
  public ConfigGraph configGraph() {
    Map<ConfigEntryKey, ConfigEntry> entries = new LinkedHashMap<>();
    config.forEach((k, v) -> entries.put(k, v.value()));
    return new ConfigGraph(entries);
  }

  @Override
  public String toString() {
    return "RegistrySnapshot[index="
        + index
        + ", instances="
        + instances.size()
        + ", checks="
        + checks.size()
        + ", config="
        + config.size()
        + "]";
  }
}
