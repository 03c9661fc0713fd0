package io.cairn.registry;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cairn.registry.config.ConfigEntry;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
          .addModule(new JavaTimeModule())
          .addMixIn(ServiceKind.class, ServiceKindTags.class)
          .addMixIn(CheckDefinition.class, CheckDefinitionTags.class)
          .addMixIn(ConfigEntry.class, ConfigEntryTags.class)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /**
   * The store batch for {@code writes}. Several writes to one record within a batch collapse into
   * the last, since only the final state of each record is committed.
   */
  Batch batch(long index, List<Write> writes) {
    Map<String, Mutation> last = new LinkedHashMap<>();
    for (Write w : writes) {
      String id = w.table().storeName() + "/" + w.key();
      last.remove(id);
      last.put(id, mutation(w));
    }
    return new Batch(index, List.copyOf(last.values()));
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
    Restorer restorer = new Restorer(stored.lastIndex());
    for (StoredRecord record : stored.records()) {
      try {
        restorer.add(Table.fromStoreName(record.table()), record, this);
      } catch (IOException | RuntimeException e) {
        throw new StoreException("cannot read stored record " + record + ": " + e.getMessage(), e);
      }
    }
    return restorer.snapshot();
  }

  <T> T decode(byte[] bytes, Class<T> type) throws IOException {
    return mapper.readValue(bytes, type);
  }

  /** Collects restored records by table, then builds the snapshot with its secondary indexes. */
  private static final class Restorer {
    private final long lastIndex;
    private final List<Indexed<ServiceInstance>> instances = new java.util.ArrayList<>();
    private final List<Indexed<HealthCheck>> checks = new java.util.ArrayList<>();
    private final List<Indexed<Maintenance>> maintenance = new java.util.ArrayList<>();
    private final List<Indexed<ConfigEntry>> config = new java.util.ArrayList<>();

    Restorer(long lastIndex) {
      this.lastIndex = lastIndex;
    }

    void add(Table table, StoredRecord r, RecordCodec codec) throws IOException {
      byte[] v = r.value();
      switch (table) {
        case INSTANCE -> instances.add(indexed(codec.decode(v, ServiceInstance.class), r));
        case CHECK -> checks.add(indexed(codec.decode(v, HealthCheck.class), r));
        case MAINTENANCE -> maintenance.add(indexed(codec.decode(v, Maintenance.class), r));
        case CONFIG -> config.add(indexed(codec.decode(v, ConfigEntry.class), r));
      }
    }

    private static <T> Indexed<T> indexed(T value, StoredRecord r) {
      return new Indexed<>(value, r.createIndex(), r.modifyIndex());
    }

    RegistrySnapshot snapshot() {
      var instanceMap = org.pcollections.TreePMap.<String, Indexed<ServiceInstance>>empty();
      var serviceIndexes = org.pcollections.TreePMap.<String, Long>empty();
      var byService =
          org.pcollections.TreePMap
              .<String, org.pcollections.TreePMap<String, Indexed<ServiceInstance>>>empty();
      for (Indexed<ServiceInstance> i : instances) {
        String id = i.value().id();
        instanceMap = instanceMap.plus(id, i);
        var members = byService.getOrDefault(i.value().name(), org.pcollections.TreePMap.empty());
        byService = byService.plus(i.value().name(), members.plus(id, i));
        serviceIndexes = serviceIndexes.plus(i.value().name(), lastIndex);
      }
      var checkMap = org.pcollections.TreePMap.<String, Indexed<HealthCheck>>empty();
      var checksByInstance =
          org.pcollections.TreePMap
              .<String, org.pcollections.TreePMap<String, Indexed<HealthCheck>>>empty();
      for (Indexed<HealthCheck> c : checks) {
        checkMap = checkMap.plus(c.value().id(), c);
        var of =
            checksByInstance.getOrDefault(c.value().serviceId(), org.pcollections.TreePMap.empty());
        checksByInstance = checksByInstance.plus(c.value().serviceId(), of.plus(c.value().id(), c));
      }
      var maintenanceMap = org.pcollections.TreePMap.<String, Indexed<Maintenance>>empty();
      for (Indexed<Maintenance> m : maintenance) {
        maintenanceMap = maintenanceMap.plus(m.value().instanceId(), m);
      }
      var configMap =
          org.pcollections.TreePMap
              .<io.cairn.registry.config.ConfigEntryKey, Indexed<ConfigEntry>>empty();
      for (Indexed<ConfigEntry> e : config) {
        configMap = configMap.plus(e.value().key(), e);
      }
      return new RegistrySnapshot(
          lastIndex,
          instanceMap,
          byService,
          checkMap,
          checksByInstance,
          maintenanceMap,
          configMap,
          serviceIndexes,
          new TableIndexes(lastIndex, lastIndex, lastIndex));
    }
  }
}
