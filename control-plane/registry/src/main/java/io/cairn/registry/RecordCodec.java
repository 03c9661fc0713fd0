package io.cairn.registry;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
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
import io.cairn.registry.config.ProxyDefaults;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.kv.KvState;
import io.cairn.registry.kv.Session;
import io.cairn.registry.model.CheckDefinition;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.GrpcCheck;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HttpCheck;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.Maintenance;
import io.cairn.registry.model.PlainService;
import io.cairn.registry.model.ProbeCheck;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.ServiceKind;
import io.cairn.registry.model.TcpCheck;
import io.cairn.registry.model.TtlCheck;
import io.cairn.registry.store.Batch;
import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.StoredRecord;
import io.cairn.registry.store.StoredState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import org.pcollections.TreePMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns registry state into stored records and back. Values are JSON (readable with the sqlite3
 * shell); the sealed variants carry an {@code @type} tag. The mapping lives here, not on the model,
 * so the model stays free of persistence concerns.
 */
final class RecordCodec {
  private static final Logger log = LoggerFactory.getLogger(RecordCodec.class);

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = PlainService.class, name = "plain"),
    @JsonSubTypes.Type(value = ConnectProxy.class, name = "connect-proxy")
  })
  private interface ServiceKindTags {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = HttpCheck.class, name = "http"),
    @JsonSubTypes.Type(value = TcpCheck.class, name = "tcp"),
    @JsonSubTypes.Type(value = GrpcCheck.class, name = "grpc"),
    @JsonSubTypes.Type(value = TtlCheck.class, name = "ttl")
  })
  private interface CheckDefinitionTags {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = ServiceDefaults.class, name = "service-defaults"),
    @JsonSubTypes.Type(value = ServiceResolver.class, name = "service-resolver"),
    @JsonSubTypes.Type(value = ServiceSplitter.class, name = "service-splitter"),
    @JsonSubTypes.Type(value = ServiceRouter.class, name = "service-router"),
    @JsonSubTypes.Type(value = ServiceIntentions.class, name = "service-intentions"),
    @JsonSubTypes.Type(value = ProxyDefaults.class, name = "proxy-defaults")
  })
  private interface ConfigEntryTags {}

  private final ObjectMapper mapper =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(
              new SimpleModule("durations-as-nanos")
                  .addSerializer(Duration.class, new DurationNanosSerializer())
                  .addDeserializer(Duration.class, new DurationNanosDeserializer()))
          .addMixIn(ServiceKind.class, ServiceKindTags.class)
          .addMixIn(CheckDefinition.class, CheckDefinitionTags.class)
          .addMixIn(ConfigEntry.class, ConfigEntryTags.class)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /** An index record's value: its modify index is what counts (etcd sets it to the revision). */
  private static final byte[] INDEX_VALUE = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** A decoded {@link Table#INDEX} record: which index it holds. */
  record IndexMark(String key) {}

  private final ObjectReader instanceReader = mapper.readerFor(ServiceInstance.class);
  private final ObjectReader checkReader = mapper.readerFor(HealthCheck.class);
  private final LongAdder clampedTimeouts = new LongAdder();
  private final ObjectReader maintenanceReader = mapper.readerFor(Maintenance.class);
  private final ObjectReader configReader = mapper.readerFor(ConfigEntry.class);
  private final ObjectReader policyReader = mapper.readerFor(AclPolicy.class);
  private final ObjectReader tokenReader = mapper.readerFor(AclToken.class);
  private final ObjectReader kvReader = mapper.readerFor(KvEntry.class);
  private final ObjectReader sessionReader = mapper.readerFor(Session.class);
  private final ObjectReader nodeReader = mapper.readerFor(CatalogNode.class);
  private final ObjectReader nodeServiceReader = mapper.readerFor(NodeService.class);
  private final ObjectReader nodeCheckReader = mapper.readerFor(NodeCheck.class);
  private final ObjectReader caReader = mapper.readerFor(CaSetup.class);

  /**
   * The store batch for {@code writes}. Several writes to one record within a batch collapse into
   * the last before encoding, since only the final state of each record is committed.
   */
  Batch batch(long index, List<Write> writes) {
    List<Write> last = Batch.lastPerRecord(writes, w -> w.table().storeName() + "/" + w.key());
    return new Batch(index, last.stream().map(this::mutation).toList());
  }

  private Mutation mutation(Write write) {
    return switch (write) {
      case Write.Put put when put.table() == Table.INDEX ->
          new Mutation.Put(
              new StoredRecord(
                  Table.INDEX.storeName(),
                  put.key(),
                  put.value().createIndex(),
                  put.value().modifyIndex(),
                  INDEX_VALUE));
      case Write.Put put ->
          new Mutation.Put(
              new StoredRecord(
                  put.table().storeName(),
                  put.key(),
                  put.value().createIndex(),
                  put.value().modifyIndex(),
                  encode(put.value().value())));
      case Write.Delete delete -> new Mutation.Delete(delete.table().storeName(), delete.key());
    };
  }

  private byte[] encode(Object value) {
    try {
      if (value instanceof ConfigEntry entry) {
        return mapper.writerFor(ConfigEntry.class).writeValueAsBytes(entry);
      }
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode " + value + ": " + e.getMessage(), e);
    }
  }

  /**
   * Rebuilds the snapshot a store holds. Fails on any record it cannot read: nothing is skipped.
   */
  RegistrySnapshot restore(StoredState stored) {
    // Sequential on purpose: at start-up a parallel decode competes with the JIT compiler threads
    // and was slower on two cores.
    Restorer restorer = new Restorer(stored.lastIndex());
    long clampedBefore = clampedTimeouts.sum();
    for (StoredRecord record : stored.records()) {
      restorer.add(decode(record), record);
    }
    long clamped = clampedTimeouts.sum() - clampedBefore;
    if (clamped > 0) {
      log.atWarn()
          .addKeyValue("checks", clamped)
          .addKeyValue("timeout", ProbeCheck.MAX_TIMEOUT)
          .log("stored checks had a timeout above the maximum; they run with the maximum");
    }
    return restorer.snapshot();
  }

  Object decode(StoredRecord record) {
    try {
      return switch (Table.fromStoreName(record.table())) {
        case INSTANCE -> instanceReader.readValue(record.value());
        case CHECK -> decodeCheck(record.value());
        case MAINTENANCE -> maintenanceReader.readValue(record.value());
        case CONFIG -> configReader.readValue(record.value());
        case ACL_POLICY -> policyReader.readValue(record.value());
        case ACL_TOKEN -> tokenReader.readValue(record.value());
        case KV -> kvReader.readValue(record.value());
        case SESSION -> sessionReader.readValue(record.value());
        case NODE -> nodeReader.readValue(record.value());
        case NODE_SERVICE -> nodeServiceReader.readValue(record.value());
        case NODE_CHECK -> nodeCheckReader.readValue(record.value());
        case CA -> caReader.readValue(record.value());
        case INDEX -> new IndexMark(record.key());
      };
    } catch (IOException | RuntimeException e) {
      throw new StoreException("cannot read stored record " + record + ": " + e.getMessage(), e);
    }
  }

  /**
   * A stored check. Checks stored before {@link ProbeCheck#MAX_TIMEOUT} existed may exceed it; they
   * are read with the maximum rather than failing the whole restore.
   */
  private HealthCheck decodeCheck(byte[] value) throws IOException {
    try {
      return checkReader.readValue(value);
    } catch (IOException | RuntimeException e) {
      JsonNode tree = mapper.readTree(value);
      JsonNode timeout = tree.path("definition").path("timeout");
      long max = ProbeCheck.MAX_TIMEOUT.toNanos();
      if (!timeout.canConvertToLong() || timeout.longValue() <= max) {
        throw e;
      }
      ((ObjectNode) tree.get("definition")).put("timeout", max);
      HealthCheck check = checkReader.readValue(tree);
      clampedTimeouts.increment();
      return check;
    }
  }

  /** Collects restored records by table, then builds the snapshot with its secondary indexes. */
  private static final class Restorer {
    private final long lastIndex;
    private final List<Indexed<ServiceInstance>> instances = new java.util.ArrayList<>();
    private final List<Indexed<HealthCheck>> checks = new java.util.ArrayList<>();
    private final List<Indexed<Maintenance>> maintenance = new java.util.ArrayList<>();
    private final List<Indexed<ConfigEntry>> config = new java.util.ArrayList<>();
    private final TreeMap<String, Indexed<AclPolicy>> policies = new TreeMap<>();
    private final TreeMap<String, Indexed<AclToken>> tokens = new TreeMap<>();
    private final TreeMap<String, Indexed<KvEntry>> kv = new TreeMap<>();
    private final TreeMap<String, Indexed<Session>> sessions = new TreeMap<>();
    private final TreeMap<String, Long> marks = new TreeMap<>();
    private final TreeMap<String, Indexed<CatalogNode>> nodes = new TreeMap<>();
    private final TreeMap<String, Indexed<NodeService>> nodeServices = new TreeMap<>();
    private final TreeMap<String, Indexed<NodeCheck>> nodeChecks = new TreeMap<>();
    private java.util.Optional<Indexed<CaSetup>> ca = java.util.Optional.empty();

    Restorer(long lastIndex) {
      this.lastIndex = lastIndex;
    }

    void add(Object value, StoredRecord r) {
      switch (value) {
        case ServiceInstance i -> instances.add(indexed(i, r));
        case HealthCheck c -> checks.add(indexed(c, r));
        case Maintenance m -> maintenance.add(indexed(m, r));
        case ConfigEntry e -> config.add(indexed(e, r));
        case AclPolicy p -> policies.put(p.id(), indexed(p, r));
        case AclToken t -> tokens.put(t.accessorId(), indexed(t, r));
        case KvEntry e -> kv.put(e.key(), indexed(e, r));
        case Session e -> sessions.put(e.id(), indexed(e, r));
        case IndexMark m -> marks.put(m.key(), r.modifyIndex());
        case CatalogNode n -> nodes.put(n.name(), indexed(n, r));
        case NodeService n -> nodeServices.put(n.key(), indexed(n, r));
        case NodeCheck n -> nodeChecks.put(n.key(), indexed(n, r));
        case CaSetup c -> ca = java.util.Optional.of(indexed(c, r));
        default -> throw new IllegalStateException("unexpected stored value " + value);
      }
    }

    private static <T> Indexed<T> indexed(T value, StoredRecord r) {
      return new Indexed<>(value, r.createIndex(), r.modifyIndex());
    }

    RegistrySnapshot snapshot() {
      // Filled as plain sorted maps, then turned into persistent ones in a single pass each.
      TreeMap<String, Indexed<ServiceInstance>> byId = new TreeMap<>();
      TreeMap<String, TreeMap<String, Indexed<ServiceInstance>>> byService = new TreeMap<>();
      TreeMap<String, Long> serviceIndexes = new TreeMap<>();
      TreeMap<Integer, Integer> proxyPorts = new TreeMap<>();
      for (Indexed<ServiceInstance> i : instances) {
        String id = i.value().id();
        if (i.value().proxy().isPresent()) {
          proxyPorts.merge(i.value().port(), 1, Integer::sum);
        }
        byId.put(id, i);
        byService.computeIfAbsent(i.value().name(), k -> new TreeMap<>()).put(id, i);
        raise(serviceIndexes, i.value().name(), i.modifyIndex());
      }
      TreeMap<String, Indexed<HealthCheck>> checkById = new TreeMap<>();
      TreeMap<String, TreeMap<String, Indexed<HealthCheck>>> checksByInstance = new TreeMap<>();
      for (Indexed<HealthCheck> c : checks) {
        checkById.put(c.value().id(), c);
        checksByInstance
            .computeIfAbsent(c.value().serviceId(), k -> new TreeMap<>())
            .put(c.value().id(), c);
      }
      TreeMap<String, Indexed<Maintenance>> maintenanceById = new TreeMap<>();
      for (Indexed<Maintenance> m : maintenance) {
        maintenanceById.put(m.value().instanceId(), m);
      }
      TreeMap<ConfigEntryKey, Indexed<ConfigEntry>> configByKey = new TreeMap<>();
      for (Indexed<ConfigEntry> e : config) {
        configByKey.put(e.value().key(), e);
      }
      // Data written before index records existed has none: the records' own modify indexes stand
      // in, the same on every replica that reads the same records.
      long catalog = mark(WorkingState.CATALOG_INDEX);
      long health = mark(WorkingState.HEALTH_INDEX);
      long configIndex = mark(WorkingState.CONFIG_INDEX);
      for (Indexed<ServiceInstance> i : instances) {
        catalog = Math.max(catalog, i.modifyIndex());
      }
      for (Indexed<HealthCheck> c : checks) {
        health = Math.max(health, c.modifyIndex());
        serviceOf(byId, c.value().serviceId())
            .ifPresent(s -> raise(serviceIndexes, s, c.modifyIndex()));
      }
      for (Indexed<Maintenance> m : maintenance) {
        health = Math.max(health, m.modifyIndex());
        serviceOf(byId, m.value().instanceId())
            .ifPresent(s -> raise(serviceIndexes, s, m.modifyIndex()));
      }
      for (Indexed<ConfigEntry> e : config) {
        configIndex = Math.max(configIndex, e.modifyIndex());
      }
      CatalogState catalogState = catalogState();
      for (Indexed<CatalogNode> n : nodes.values()) {
        catalog = Math.max(catalog, n.modifyIndex());
      }
      for (Indexed<NodeService> n : nodeServices.values()) {
        catalog = Math.max(catalog, n.modifyIndex());
        raise(serviceIndexes, n.value().service().name(), n.modifyIndex());
      }
      for (Indexed<NodeCheck> c : nodeChecks.values()) {
        health = Math.max(health, c.modifyIndex());
      }
      long kvIndex = mark(WorkingState.KV_INDEX);
      for (Indexed<KvEntry> e : kv.values()) {
        kvIndex = Math.max(kvIndex, e.modifyIndex());
      }
      marks.forEach(
          (key, at) -> {
            if (key.startsWith(WorkingState.SERVICE_INDEX)) {
              raise(serviceIndexes, key.substring(WorkingState.SERVICE_INDEX.length()), at);
            }
          });
      return new RegistrySnapshot(
          lastIndex,
          TreePMap.fromSortedMap(byId),
          nested(byService),
          TreePMap.fromSortedMap(checkById),
          nested(checksByInstance),
          TreePMap.fromSortedMap(maintenanceById),
          TreePMap.fromSortedMap(configByKey),
          TreePMap.fromSortedMap(serviceIndexes),
          new TableIndexes(catalog, health, configIndex),
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
      TreeMap<String, Indexed<NodeCheck>> checks = new TreeMap<>();
      nodeChecks.forEach(
          (key, c) -> {
            if (nodes.containsKey(c.value().node())) {
              checks.put(key, c);
            }
          });
      return new CatalogState(
          TreePMap.fromSortedMap(nodes),
          TreePMap.fromSortedMap(services),
          nested(byName),
          TreePMap.fromSortedMap(checks));
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

    private static java.util.Optional<String> serviceOf(
        TreeMap<String, Indexed<ServiceInstance>> byId, String instanceId) {
      return java.util.Optional.ofNullable(byId.get(instanceId)).map(i -> i.value().name());
    }

    private static void raise(TreeMap<String, Long> indexes, String service, long at) {
      indexes.merge(service, at, Math::max);
    }

    private static <V> TreePMap<String, TreePMap<String, V>> nested(
        TreeMap<String, TreeMap<String, V>> groups) {
      TreeMap<String, TreePMap<String, V>> persistent = new TreeMap<>();
      groups.forEach((k, v) -> persistent.put(k, TreePMap.fromSortedMap(v)));
      return TreePMap.fromSortedMap(persistent);
    }
  }
}
