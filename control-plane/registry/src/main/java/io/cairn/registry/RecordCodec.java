package io.cairn.registry;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.cairn.registry.acl.AclPolicy;
import io.cairn.registry.acl.AclState;
import io.cairn.registry.acl.AclToken;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.model.CheckDefinition;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.GrpcCheck;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HttpCheck;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.Maintenance;
import io.cairn.registry.model.PlainService;
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
import org.pcollections.TreePMap;

/**
 * Turns registry state into stored records and back. Values are JSON (readable with the sqlite3
 * shell); the sealed variants carry an {@code @type} tag. The mapping lives here, not on the model,
 * so the model stays free of persistence concerns.
 */
final class RecordCodec {
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
    @JsonSubTypes.Type(value = ServiceIntentions.class, name = "service-intentions")
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

  private final ObjectReader instanceReader = mapper.readerFor(ServiceInstance.class);
  private final ObjectReader checkReader = mapper.readerFor(HealthCheck.class);
  private final ObjectReader maintenanceReader = mapper.readerFor(Maintenance.class);
  private final ObjectReader configReader = mapper.readerFor(ConfigEntry.class);
  private final ObjectReader policyReader = mapper.readerFor(AclPolicy.class);
  private final ObjectReader tokenReader = mapper.readerFor(AclToken.class);

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
    for (StoredRecord record : stored.records()) {
      restorer.add(decode(record), record);
    }
    return restorer.snapshot();
  }

  Object decode(StoredRecord record) {
    try {
      return switch (Table.fromStoreName(record.table())) {
        case INSTANCE -> instanceReader.readValue(record.value());
        case CHECK -> checkReader.readValue(record.value());
        case MAINTENANCE -> maintenanceReader.readValue(record.value());
        case CONFIG -> configReader.readValue(record.value());
        case ACL_POLICY -> policyReader.readValue(record.value());
        case ACL_TOKEN -> tokenReader.readValue(record.value());
      };
    } catch (IOException | RuntimeException e) {
      throw new StoreException("cannot read stored record " + record + ": " + e.getMessage(), e);
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
        serviceIndexes.put(i.value().name(), lastIndex);
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
      return new RegistrySnapshot(
          lastIndex,
          TreePMap.fromSortedMap(byId),
          nested(byService),
          TreePMap.fromSortedMap(checkById),
          nested(checksByInstance),
          TreePMap.fromSortedMap(maintenanceById),
          TreePMap.fromSortedMap(configByKey),
          TreePMap.fromSortedMap(serviceIndexes),
          new TableIndexes(lastIndex, lastIndex, lastIndex),
          new AclState(TreePMap.fromSortedMap(policies), TreePMap.fromSortedMap(tokens)),
          TreePMap.fromSortedMap(proxyPorts));
    }

    private static <V> TreePMap<String, TreePMap<String, V>> nested(
        TreeMap<String, TreeMap<String, V>> groups) {
      TreeMap<String, TreePMap<String, V>> persistent = new TreeMap<>();
      groups.forEach((k, v) -> persistent.put(k, TreePMap.fromSortedMap(v)));
      return TreePMap.fromSortedMap(persistent);
    }
  }
}
