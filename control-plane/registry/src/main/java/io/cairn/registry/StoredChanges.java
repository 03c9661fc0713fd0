package io.cairn.registry;

import io.cairn.registry.acl.AclPolicy;
import io.cairn.registry.acl.AclToken;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.kv.Session;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.Maintenance;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.StoredRecord;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one commit read from a shared store to a snapshot. Every replica, the writing one
 * included, goes through here with the same mutations and index, so they all end with the same
 * state and the same per-service indexes. Indexes come from the commit, not from the records: a put
 * keeps the create index of a record that already existed, as etcd keeps a key's create revision.
 */
final class StoredChanges {
  private static final Logger log = LoggerFactory.getLogger(StoredChanges.class);

  private final RecordCodec codec;

  StoredChanges(RecordCodec codec) {
    this.codec = codec;
  }

  /**
   * The state after {@code mutations} at {@code index}. Instances are put first and deleted last,
   * so the checks and maintenance marks of the same commit always find their instance's service.
   */
  WorkingState apply(RegistrySnapshot base, long index, List<Mutation> known) {
    List<Mutation> mutations = known.stream().filter(StoredChanges::knownTable).toList();
    WorkingState work = new WorkingState(base);
    for (Mutation m : mutations) {
      if (m instanceof Mutation.Put put && table(m) == Table.INSTANCE) {
        decode(put.record(), ServiceInstance.class)
            .ifPresent(i -> work.putInstance(indexed(i, work.view().instance(i.id()), index)));
      }
    }
    // Catalog nodes before their services, and services before their checks; deletes the other way.
    for (Table table : List.of(Table.NODE, Table.NODE_SERVICE)) {
      for (Mutation m : mutations) {
        if (m instanceof Mutation.Put put && table(m) == table) {
          putCatalog(work, put, index);
        }
      }
    }
    // A session's invalidation releases or deletes its keys in the same commit; it goes first, so
    // the keys it held still show it and get its lock delay.
    long now = System.currentTimeMillis();
    for (Mutation m : mutations) {
      if (m instanceof Mutation.Delete && table(m) == Table.SESSION) {
        work.removeSession(m.key(), index, now);
      }
    }
    for (Mutation m : mutations) {
      switch (table(m)) {
        case INSTANCE -> {}
        case SESSION -> {
          if (m instanceof Mutation.Put put) {
            decode(put.record(), Session.class)
                .ifPresent(
                    e -> work.putSession(indexed(e, work.view().kv().session(e.id()), index)));
          }
        }
        case CHECK -> applyCheck(work, m, index);
        case MAINTENANCE -> applyMaintenance(work, m, index);
        case CONFIG -> applyConfig(work, m, index);
        case ACL_POLICY -> applyPolicy(work, m, index);
        case ACL_TOKEN -> applyToken(work, m, index);
        case KV -> applyKv(work, m, index);
        case NODE, NODE_SERVICE -> {}
        case CA -> {
          if (m instanceof Mutation.Put put) {
            decode(put.record(), CaSetup.class)
                .ifPresent(c -> work.putCa(indexed(c, work.view().ca(), index)));
          }
        }
        case NODE_CHECK -> applyNodeCheck(work, m, index);
        case INDEX -> {
          if (m instanceof Mutation.Put) {
            work.touchIndex(m.key(), index);
          }
        }
      }
    }
    for (Mutation m : mutations) {
      if (m instanceof Mutation.Delete && table(m) == Table.NODE_SERVICE) {
        int slash = m.key().indexOf('/');
        work.view()
            .catalog()
            .service(m.key().substring(0, Math.max(0, slash)), m.key().substring(slash + 1))
            .ifPresent(sv -> work.removeNodeService(sv.value(), index));
      }
    }
    for (Mutation m : mutations) {
      if (m instanceof Mutation.Delete && table(m) == Table.NODE) {
        if (work.view().catalog().node(m.key()).isPresent()) {
          work.removeNode(m.key(), index);
        }
      }
    }
    for (Mutation m : mutations) {
      if (m instanceof Mutation.Delete && table(m) == Table.INSTANCE) {
        work.view().instance(m.key()).ifPresent(i -> work.removeInstance(i.value(), index));
      }
    }
    // The index moves even when nothing Cairn reads changed, so it stays the store's revision.
    work.moveTo(index);
    return work;
  }

  private void applyCheck(WorkingState work, Mutation m, long index) {
    switch (m) {
      case Mutation.Put put ->
          decode(put.record(), HealthCheck.class)
              .ifPresent(
                  c ->
                      work.putCheck(
                          indexed(c, work.view().check(c.id()), index),
                          serviceOf(work, c.serviceId())));
      case Mutation.Delete delete ->
          work.view()
              .check(delete.key())
              .ifPresent(
                  c -> work.removeCheck(c.value(), serviceOf(work, c.value().serviceId()), index));
    }
  }

  private void applyMaintenance(WorkingState work, Mutation m, long index) {
    switch (m) {
      case Mutation.Put put ->
          decode(put.record(), Maintenance.class)
              .ifPresent(
                  mark ->
                      work.putMaintenance(
                          indexed(mark, work.view().maintenance(mark.instanceId()), index),
                          serviceOf(work, mark.instanceId())));
      case Mutation.Delete delete -> {
        if (work.view().maintenance(delete.key()).isPresent()) {
          work.removeMaintenance(delete.key(), serviceOf(work, delete.key()), index);
        }
      }
    }
  }

  private void applyConfig(WorkingState work, Mutation m, long index) {
    switch (m) {
      case Mutation.Put put ->
          decode(put.record(), ConfigEntry.class)
              .ifPresent(e -> work.putConfig(indexed(e, work.view().configEntry(e.key()), index)));
      case Mutation.Delete delete ->
          configKey(delete.key())
              .filter(k -> work.view().configEntry(k).isPresent())
              .ifPresent(k -> work.removeConfig(k, index));
    }
  }

  private void applyKv(WorkingState work, Mutation m, long index) {
    switch (m) {
      case Mutation.Put put ->
          decode(put.record(), KvEntry.class)
              .ifPresent(e -> work.putKv(indexed(e, work.view().kv().entry(e.key()), index)));
      case Mutation.Delete delete -> {
        if (work.view().kv().entry(delete.key()).isPresent()) {
          work.removeKv(delete.key(), index);
        }
      }
    }
  }

  private void putCatalog(WorkingState work, Mutation.Put put, long index) {
    var catalog = work.view().catalog();
    switch (table(put)) {
      case NODE ->
          decode(put.record(), CatalogNode.class)
              .ifPresent(n -> work.putNode(indexed(n, catalog.node(n.name()), index)));
      case NODE_SERVICE ->
          decode(put.record(), NodeService.class)
              .ifPresent(
                  n ->
                      work.putNodeService(
                          indexed(n, catalog.service(n.node(), n.service().id()), index)));
      default -> throw new IllegalArgumentException("not a catalog table: " + put.table());
    }
  }

  private void applyNodeCheck(WorkingState work, Mutation m, long index) {
    var catalog = work.view().catalog();
    switch (m) {
      case Mutation.Put put ->
          decode(put.record(), NodeCheck.class)
              .ifPresent(
                  c -> work.putNodeCheck(indexed(c, catalog.check(c.node(), c.id()), index)));
      case Mutation.Delete delete -> {
        Indexed<NodeCheck> stored = catalog.checks().get(delete.key());
        if (stored != null) {
          work.removeNodeCheck(stored.value(), index);
        }
      }
    }
  }

  private void applyPolicy(WorkingState work, Mutation m, long index) {
    switch (m) {
      case Mutation.Put put ->
          decode(put.record(), AclPolicy.class)
              .ifPresent(
                  p -> work.putPolicy(indexed(p, work.view().acl().storedPolicy(p.id()), index)));
      case Mutation.Delete delete -> {
        if (work.view().acl().storedPolicy(delete.key()).isPresent()) {
          work.removePolicy(delete.key(), index);
        }
      }
    }
  }

  private void applyToken(WorkingState work, Mutation m, long index) {
    switch (m) {
      case Mutation.Put put ->
          decode(put.record(), AclToken.class)
              .ifPresent(
                  t -> work.putToken(indexed(t, work.view().acl().token(t.accessorId()), index)));
      case Mutation.Delete delete -> {
        if (work.view().acl().token(delete.key()).isPresent()) {
          work.removeToken(delete.key(), index);
        }
      }
    }
  }

  private static <T> Indexed<T> indexed(T value, Optional<? extends Indexed<?>> existing, long at) {
    return new Indexed<>(value, existing.map(Indexed::createIndex).orElse(at), at);
  }

  /** The service of an instance; empty when the instance is unknown (a foreign record). */
  private static String serviceOf(WorkingState work, String instanceId) {
    return work.view().instance(instanceId).map(i -> i.value().name()).orElse("");
  }

  private static boolean knownTable(Mutation m) {
    try {
      Table.fromStoreName(m.table());
      return true;
    } catch (IllegalArgumentException e) {
      log.error("skipping record of unknown table {}/{}", m.table(), m.key());
      return false;
    }
  }

  private static Table table(Mutation m) {
    return Table.fromStoreName(m.table());
  }

  private static Optional<ConfigEntryKey> configKey(String key) {
    int slash = key.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    return ConfigEntryKind.parse(key.substring(0, slash))
        .map(kind -> new ConfigEntryKey(kind, key.substring(slash + 1)));
  }

  /**
   * Decodes one record. A record no Cairn wrote (edited by hand in etcd) is skipped with an error
   * on every replica alike, rather than stopping the replica.
   */
  private <T> Optional<T> decode(StoredRecord record, Class<T> type) {
    try {
      return Optional.of(type.cast(codec.decode(record)));
    } catch (RuntimeException e) {
      log.error("skipping unreadable record {}: {}", record, e.getMessage());
      return Optional.empty();
    }
  }
}
