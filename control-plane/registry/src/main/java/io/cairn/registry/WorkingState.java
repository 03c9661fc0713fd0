package io.cairn.registry;

import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.Maintenance;
import io.cairn.registry.model.ServiceInstance;
import java.util.ArrayList;
import java.util.List;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * The writer's scratch state while it applies one batch: the snapshot being built, the writes to
 * commit, and what changed. Keeps secondary indexes (instances by service, checks by instance) and
 * the per-service and per-table indexes in step with every change; those blocking-query indexes
 * live in memory only (see {@link RecordCodec#restore}). A {@link Mark} rolls a rejected command
 * back; everything is persistent, so that is free. Writer thread only.
 */
final class WorkingState {
  private RegistrySnapshot state;
  private TreePSet<String> changedServices = TreePSet.empty();
  private TreePSet<ConfigEntryKey> changedConfig = TreePSet.empty();
  private final List<Write> writes = new ArrayList<>();

  WorkingState(RegistrySnapshot base) {
    this.state = base;
  }

  /** A point to return to when a command is rejected halfway. */
  record Mark(
      RegistrySnapshot state,
      TreePSet<String> changedServices,
      TreePSet<ConfigEntryKey> changedConfig,
      int writes) {}

  Mark mark() {
    return new Mark(state, changedServices, changedConfig, writes.size());
  }

  void reset(Mark mark) {
    state = mark.state();
    changedServices = mark.changedServices();
    changedConfig = mark.changedConfig();
    writes.subList(mark.writes(), writes.size()).clear();
  }

  RegistrySnapshot view() {
    return state;
  }

  long index() {
    return state.index;
  }

  List<Write> writes() {
    return writes;
  }

  TreePSet<String> changedServices() {
    return changedServices;
  }

  TreePSet<ConfigEntryKey> changedConfig() {
    return changedConfig;
  }

  void putInstance(Indexed<ServiceInstance> entry) {
    ServiceInstance instance = entry.value();
    long at = entry.modifyIndex();
    Indexed<ServiceInstance> previous = state.instances.get(instance.id());
    var byService = state.byService;
    if (previous != null && !previous.value().name().equals(instance.name())) {
      byService = withoutMember(byService, previous.value().name(), instance.id());
      touchService(previous.value().name(), at);
    }
    TreePMap<String, Indexed<ServiceInstance>> members =
        byService.getOrDefault(instance.name(), TreePMap.empty());
    byService = byService.plus(instance.name(), members.plus(instance.id(), entry));
    state =
        copy(
            at,
            state.instances.plus(instance.id(), entry),
            byService,
            state.checks,
            state.checksByInstance,
            state.maintenance,
            state.config);
    writes.add(new Write.Put(Table.INSTANCE, instance.id(), entry));
    touchService(instance.name(), at);
    touchTables(at, true, false, false);
  }

  void removeInstance(ServiceInstance instance, long at) {
    state =
        copy(
            at,
            state.instances.minus(instance.id()),
            withoutMember(state.byService, instance.name(), instance.id()),
            state.checks,
            state.checksByInstance,
            state.maintenance,
            state.config);
    writes.add(new Write.Delete(Table.INSTANCE, instance.id()));
    touchService(instance.name(), at);
    touchTables(at, true, false, false);
  }

  void putCheck(Indexed<HealthCheck> entry, String service) {
    HealthCheck check = entry.value();
    long at = entry.modifyIndex();
    TreePMap<String, Indexed<HealthCheck>> of =
        state.checksByInstance.getOrDefault(check.serviceId(), TreePMap.empty());
    state =
        copy(
            at,
            state.instances,
            state.byService,
            state.checks.plus(check.id(), entry),
            state.checksByInstance.plus(check.serviceId(), of.plus(check.id(), entry)),
            state.maintenance,
            state.config);
    writes.add(new Write.Put(Table.CHECK, check.id(), entry));
    touchService(service, at);
    touchTables(at, false, true, false);
  }

  void removeCheck(HealthCheck check, String service, long at) {
    state =
        copy(
            at,
            state.instances,
            state.byService,
            state.checks.minus(check.id()),
            withoutMember(state.checksByInstance, check.serviceId(), check.id()),
            state.maintenance,
            state.config);
    writes.add(new Write.Delete(Table.CHECK, check.id()));
    touchService(service, at);
    touchTables(at, false, true, false);
  }

  void putMaintenance(Indexed<Maintenance> entry, String service) {
    long at = entry.modifyIndex();
    String id = entry.value().instanceId();
    state =
        copy(
            at,
            state.instances,
            state.byService,
            state.checks,
            state.checksByInstance,
            state.maintenance.plus(id, entry),
            state.config);
    writes.add(new Write.Put(Table.MAINTENANCE, id, entry));
    touchService(service, at);
    touchTables(at, false, true, false);
  }

  void removeMaintenance(String instanceId, String service, long at) {
    state =
        copy(
            at,
            state.instances,
            state.byService,
            state.checks,
            state.checksByInstance,
            state.maintenance.minus(instanceId),
            state.config);
    writes.add(new Write.Delete(Table.MAINTENANCE, instanceId));
    touchService(service, at);
    touchTables(at, false, true, false);
  }

  void putConfig(Indexed<ConfigEntry> entry) {
    long at = entry.modifyIndex();
    ConfigEntryKey key = entry.value().key();
    state =
        copy(
            at,
            state.instances,
            state.byService,
            state.checks,
            state.checksByInstance,
            state.maintenance,
            state.config.plus(key, entry));
    writes.add(new Write.Put(Table.CONFIG, key.toString(), entry));
    changedConfig = changedConfig.plus(key);
    touchTables(at, false, false, true);
  }

  void removeConfig(ConfigEntryKey key, long at) {
    state =
        copy(
            at,
            state.instances,
            state.byService,
            state.checks,
            state.checksByInstance,
            state.maintenance,
            state.config.minus(key));
    writes.add(new Write.Delete(Table.CONFIG, key.toString()));
    changedConfig = changedConfig.plus(key);
    touchTables(at, false, false, true);
  }

  private void touchService(String service, long at) {
    state =
        new RegistrySnapshot(
            state.index,
            state.instances,
            state.byService,
            state.checks,
            state.checksByInstance,
            state.maintenance,
            state.config,
            state.serviceIndexes.plus(service, at),
            state.tableIndexes);
    changedServices = changedServices.plus(service);
  }

  private void touchTables(long at, boolean catalog, boolean health, boolean config) {
    TableIndexes t = state.tableIndexes;
    TableIndexes next =
        new TableIndexes(
            catalog ? at : t.catalog(), health ? at : t.health(), config ? at : t.config());
    state =
        new RegistrySnapshot(
            state.index,
            state.instances,
            state.byService,
            state.checks,
            state.checksByInstance,
            state.maintenance,
            state.config,
            state.serviceIndexes,
            next);
  }

  private RegistrySnapshot copy(
      long at,
      TreePMap<String, Indexed<ServiceInstance>> instances,
      TreePMap<String, TreePMap<String, Indexed<ServiceInstance>>> byService,
      TreePMap<String, Indexed<HealthCheck>> checks,
      TreePMap<String, TreePMap<String, Indexed<HealthCheck>>> checksByInstance,
      TreePMap<String, Indexed<Maintenance>> maintenance,
      TreePMap<ConfigEntryKey, Indexed<ConfigEntry>> config) {
    if (at < state.index) {
      throw new IllegalStateException("index " + at + " is behind " + state.index);
    }
    return new RegistrySnapshot(
        at,
        instances,
        byService,
        checks,
        checksByInstance,
        maintenance,
        config,
        state.serviceIndexes,
        state.tableIndexes);
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
