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
import io.cairn.registry.acl.AclToken;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ProxyDefaults;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.kv.Session;
import io.cairn.registry.model.CheckDefinition;
import io.cairn.registry.model.ConnectNative;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.GrpcCheck;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HttpCheck;
import io.cairn.registry.model.Maintenance;
import io.cairn.registry.model.PlainService;
import io.cairn.registry.model.ProbeCheck;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.ServiceKind;
import io.cairn.registry.model.TcpCheck;
import io.cairn.registry.model.TtlCheck;
import io.cairn.registry.store.Batch;
import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.RegistryStore;
import io.cairn.registry.store.StoredRecord;
import io.cairn.registry.store.StoredState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
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
    @JsonSubTypes.Type(value = ConnectNative.class, name = "connect-native"),
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

  /**
   * The mapper, built on first use (a static holder): a restore of instances and checks in the
   * shape written here does not need it, and building it is a tenth of a second at start-up.
   */
  private static final class Json {
    static final ObjectMapper MAPPER =
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
  }

  /** An index record's value: its modify index is what counts (etcd sets it to the revision). */
  private static final byte[] INDEX_VALUE = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** A decoded {@link Table#INDEX} record: which index it holds. */
  record IndexMark(String key) {}

  /**
   * One reader per stored type, made when first needed: building Jackson's deserializers for every
   * type took a quarter of a second at start-up, and a store of instances and checks in the shape
   * written here needs none of them (see {@link ExactShapeDecoder}).
   */
  private final ConcurrentHashMap<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

  private final LongAdder clampedTimeouts = new LongAdder();

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
        return Json.MAPPER.writerFor(ConfigEntry.class).writeValueAsBytes(entry);
      }
      return Json.MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode " + value + ": " + e.getMessage(), e);
    }
  }

  /**
   * Rebuilds the snapshot a store holds, decoding each record as the store reads it. Fails on any
   * record it cannot read: nothing is skipped.
   */
  RegistrySnapshot restore(RegistryStore store) {
    // Sequential on purpose: at start-up a parallel decode competes with the JIT compiler threads
    // and was slower on two cores.
    long clampedBefore = clampedTimeouts.sum();
    Restorer restorer = new Restorer(this);
    long lastIndex = store.load(restorer);
    RegistrySnapshot snapshot = restorer.snapshot(lastIndex);
    warnIfClamped(clampedBefore);
    return snapshot;
  }

  /** Rebuilds the snapshot {@code stored} holds. Fails on any record it cannot read. */
  RegistrySnapshot restore(StoredState stored) {
    long clampedBefore = clampedTimeouts.sum();
    Restorer restorer = new Restorer(this);
    for (StoredRecord r : stored.records()) {
      restorer.accept(r.table(), r.key(), r.createIndex(), r.modifyIndex(), r.value());
    }
    RegistrySnapshot snapshot = restorer.snapshot(stored.lastIndex());
    warnIfClamped(clampedBefore);
    return snapshot;
  }

  private void warnIfClamped(long clampedBefore) {
    long clamped = clampedTimeouts.sum() - clampedBefore;
    if (clamped > 0) {
      log.atWarn()
          .addKeyValue("checks", clamped)
          .addKeyValue("timeout", ProbeCheck.MAX_TIMEOUT)
          .log("stored checks had a timeout above the maximum; they run with the maximum");
    }
  }

  Object decode(StoredRecord record) {
    return decode(
        new ExactShapeDecoder(),
        record.table(),
        record.key(),
        record.createIndex(),
        record.modifyIndex(),
        record.value());
  }

  /**
   * The value of one stored record. Instances and checks in the shape this codec writes are read
   * straight from their bytes (see {@link ExactShapeDecoder}); anything else, and anything that
   * reader gives up on or rejects, is read with Jackson, whose answer (value or error) stands.
   */
  Object decode(
      ExactShapeDecoder exact,
      String table,
      String key,
      long createIndex,
      long modifyIndex,
      byte[] value) {
    Table t;
    try {
      t = Table.fromStoreName(table);
    } catch (RuntimeException e) {
      throw unreadable(table, key, createIndex, modifyIndex, value, e);
    }
    try {
      switch (t) {
        case INSTANCE -> {
          return exact.instance(key, value);
        }
        case CHECK -> {
          return exact.check(key, value);
        }
        default -> {}
      }
    } catch (RuntimeException e) {
      // Not in the exact shape, or not valid: Jackson decides.
    }
    try {
      return switch (t) {
        case INSTANCE -> read(ServiceInstance.class, value);
        case CHECK -> decodeCheck(value);
        case MAINTENANCE -> read(Maintenance.class, value);
        case CONFIG -> read(ConfigEntry.class, value);
        case ACL_POLICY -> read(AclPolicy.class, value);
        case ACL_TOKEN -> read(AclToken.class, value);
        case KV -> read(KvEntry.class, value);
        case SESSION -> read(Session.class, value);
        case NODE -> read(CatalogNode.class, value);
        case NODE_SERVICE -> read(NodeService.class, value);
        case NODE_CHECK -> read(NodeCheck.class, value);
        case CA -> read(CaSetup.class, value);
        case INDEX -> new IndexMark(key);
      };
    } catch (IOException | RuntimeException e) {
      throw unreadable(table, key, createIndex, modifyIndex, value, e);
    }
  }

  private <T> T read(Class<T> type, byte[] value) throws IOException {
    return reader(type).readValue(value);
  }

  private ObjectReader reader(Class<?> type) {
    return readers.computeIfAbsent(type, Json.MAPPER::readerFor);
  }

  private static StoreException unreadable(
      String table, String key, long createIndex, long modifyIndex, byte[] value, Exception e) {
    StoredRecord record = new StoredRecord(table, key, createIndex, modifyIndex, value);
    return new StoreException("cannot read stored record " + record + ": " + e.getMessage(), e);
  }

  /**
   * A stored check. Checks stored before {@link ProbeCheck#MAX_TIMEOUT} existed may exceed it; they
   * are read with the maximum rather than failing the whole restore.
   */
  private HealthCheck decodeCheck(byte[] value) throws IOException {
    try {
      return read(HealthCheck.class, value);
    } catch (IOException | RuntimeException e) {
      JsonNode tree = Json.MAPPER.readTree(value);
      JsonNode timeout = tree.path("definition").path("timeout");
      long max = ProbeCheck.MAX_TIMEOUT.toNanos();
      if (!timeout.canConvertToLong() || timeout.longValue() <= max) {
        throw e;
      }
      ((ObjectNode) tree.get("definition")).put("timeout", max);
      HealthCheck check = reader(HealthCheck.class).readValue(tree);
      clampedTimeouts.increment();
      return check;
    }
  }
}
