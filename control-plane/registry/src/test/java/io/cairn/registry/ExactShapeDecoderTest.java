package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.registry.model.CheckThresholds;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.GrpcCheck;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.HttpCheck;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.Locality;
import io.cairn.registry.model.ProbeCheck;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.ServiceKind;
import io.cairn.registry.model.TcpCheck;
import io.cairn.registry.model.TtlCheck;
import io.cairn.registry.model.Upstream;
import io.cairn.registry.model.Weights;
import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.StoredRecord;
import io.cairn.registry.store.StoredState;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Instances and checks as {@link RecordCodec} writes them are read straight from their bytes;
 * anything else still restores through Jackson, and what neither can read still fails the restore.
 */
class ExactShapeDecoderTest {
  private final RecordCodec codec = new RecordCodec();
  private final ObjectMapper mapper = new ObjectMapper();

  private static final ServiceInstance SIDECAR =
      ServiceInstance.builder("web-1-sidecar", "web-sidecar-proxy")
          .address("10.0.0.5")
          .port(21000)
          .tags("v1", "quote\"back\\slash")
          .meta(Map.of("version", "1.2", "b", "tab\there", "a", ""))
          .weights(new Weights(10, 0))
          .locality(new Locality("eu-west", ""))
          .kind(
              new ConnectProxy(
                  "web",
                  Optional.of("web-1"),
                  "127.0.0.1",
                  8080,
                  List.of(new Upstream("api", 9191), new Upstream("db", "127.0.0.2", 5432))))
          .build();

  private static final List<ServiceInstance> INSTANCES =
      List.of(
          ServiceInstance.builder("a", "api").address("10.0.0.9").build(),
          ServiceInstance.builder("api-1", "api")
              .address("api.internal.example")
              .port(8080)
              .tags("v1", "primary")
              .meta(Map.of("version", "1.4.2"))
              .build(),
          ServiceInstance.builder("api-6", "api").address("2001:db8::1").port(443).build(),
          ServiceInstance.builder("native-1", "native")
              .address("10.0.0.7")
              .port(8443)
              .kind(ServiceKind.NATIVE)
              .build(),
          SIDECAR,
          ServiceInstance.builder("front", "front-proxy")
              .address("10.0.0.6")
              .port(21001)
              .kind(new ConnectProxy("front", Optional.empty(), "127.0.0.1", 0, List.of()))
              .build());

  private static final List<HealthCheck> CHECKS =
      List.of(
          HealthCheck.of(
              "api-1:ttl",
              "ttl",
              "api-1",
              new TtlCheck(Duration.ofSeconds(30)),
              HealthStatus.PASSING),
          new HealthCheck(
              "api-1:tcp",
              "tcp",
              "api-1",
              new TcpCheck("10.0.0.1", 8080, Duration.ofSeconds(10), Duration.ofMillis(1500)),
              HealthStatus.WARNING,
              "dial tcp 10.0.0.1:8080: \"refused\"\n\u0001 \\ /",
              "notes",
              new CheckThresholds(2, 1, 3),
              Optional.of(Duration.ofMinutes(10))),
          HealthCheck.of(
              "api-1:grpc",
              "grpc",
              "api-1",
              new GrpcCheck(
                  "api.internal",
                  9090,
                  "api.v1",
                  true,
                  false,
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(1)),
              HealthStatus.CRITICAL),
          HealthCheck.of(
              "web-1:http",
              "http",
              "web-1",
              new HttpCheck(
                  URI.create("https://10.0.0.5:21000/ready?full=1"),
                  "POST",
                  Map.of("X-Token", List.of("a", "b"), "Accept", List.of()),
                  "{\"ping\":true}",
                  true,
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(2)),
              HealthStatus.PASSING),
          HealthCheck.of(
              "web-1:get",
              "get",
              "web-1",
              HttpCheck.get(URI.create("http://10.0.0.5/health"), Duration.ofSeconds(5)),
              HealthStatus.PASSING));

  private StoredRecord stored(Table table, String key, Object value) {
    Mutation.Put put =
        (Mutation.Put)
            codec
                .batch(4, List.of(new Write.Put(table, key, new Indexed<>(value, 3, 4))))
                .mutations()
                .getFirst();
    return put.record();
  }

  private StoredRecord edited(StoredRecord r, UnaryOperator<String> edit) {
    String json = new String(r.value(), StandardCharsets.UTF_8);
    String changed = edit.apply(json);
    assertThat(changed).isNotEqualTo(json);
    return new StoredRecord(
        r.table(),
        r.key(),
        r.createIndex(),
        r.modifyIndex(),
        changed.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void instancesAsWrittenAreReadWithoutJackson() {
    for (ServiceInstance instance : INSTANCES) {
      StoredRecord r = stored(Table.INSTANCE, instance.id(), instance);
      ServiceInstance read = new ExactShapeDecoder().instance(r.key(), r.value());
      assertThat(read).isEqualTo(instance);
      assertThat(read.id()).isSameAs(r.key());
    }
  }

  @Test
  void checksAsWrittenAreReadWithoutJackson() {
    for (HealthCheck check : CHECKS) {
      StoredRecord r = stored(Table.CHECK, check.id(), check);
      HealthCheck read = new ExactShapeDecoder().check(r.key(), r.value());
      assertThat(read).isEqualTo(check);
      assertThat(read.id()).isSameAs(r.key());
    }
  }

  @Test
  void aRestoreKeepsRepeatedStringsOnce() {
    StoredRecord one = stored(Table.INSTANCE, "api-1", INSTANCES.get(1));
    ServiceInstance copy =
        ServiceInstance.builder("api-2", "api")
            .address("10.0.0.2")
            .tags("v1", "primary")
            .meta(Map.of("version", "1.4.2"))
            .build();
    StoredRecord two = stored(Table.INSTANCE, "api-2", copy);
    RegistrySnapshot s = codec.restore(new StoredState(4, List.of(one, two)));
    ServiceInstance first = s.instance("api-1").orElseThrow().value();
    ServiceInstance second = s.instance("api-2").orElseThrow().value();
    assertThat(second.name()).isSameAs(first.name());
    assertThat(second.tags().get(1)).isSameAs(first.tags().get(1));
  }

  @Test
  void recordsInAnyOtherShapeAreReadByJackson() throws Exception {
    StoredRecord sidecar = stored(Table.INSTANCE, SIDECAR.id(), SIDECAR);
    ObjectNode tree = (ObjectNode) mapper.readTree(sidecar.value());
    ObjectNode reordered = mapper.createObjectNode();
    reordered.set("name", tree.get("name"));
    reordered.setAll(tree);
    List<StoredRecord> variants =
        List.of(
            withValue(
                sidecar, mapper.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(tree)),
            withValue(sidecar, mapper.writeValueAsBytes(reordered)),
            edited(sidecar, json -> json.replace("{\"id\"", "{\"added\":[1,{}],\"id\"")),
            edited(
                sidecar,
                json ->
                    json.replace("\"version\":\"1.2\"", "\"version\":\"0\",\"version\":\"1.2\"")),
            edited(
                sidecar, json -> json.replace("\"version\":\"1.2\"", "\"version\":\"1.\\u0032\"")));
    for (StoredRecord variant : variants) {
      assertThat(codec.decode(variant)).as(new String(variant.value())).isEqualTo(SIDECAR);
    }
    StoredRecord accented = edited(sidecar, json -> json.replace("eu-west", "éu-west"));
    assertThatThrownBy(() -> new ExactShapeDecoder().instance(accented.key(), accented.value()))
        .isSameAs(JsonCursor.UNEXPECTED);
    assertThat(((ServiceInstance) codec.decode(accented)).locality().orElseThrow().region())
        .isEqualTo("éu-west");
  }

  @Test
  void aCheckTheExactReaderRejectsIsStillClampedByJackson() {
    HealthCheck tcp = CHECKS.get(1);
    StoredRecord r =
        edited(
            stored(Table.CHECK, tcp.id(), tcp),
            json ->
                json.replace(
                    "\"timeout\":1500000000", "\"timeout\":" + Duration.ofHours(1).toNanos()));
    HealthCheck read = (HealthCheck) codec.decode(r);
    assertThat(((TcpCheck) read.definition()).timeout()).isEqualTo(ProbeCheck.MAX_TIMEOUT);
  }

  @Test
  void unreadableRecordsStillFailTheRestore() {
    StoredRecord api = stored(Table.INSTANCE, "api-1", INSTANCES.get(1));
    byte[] badUtf8 = api.value();
    int at = new String(badUtf8, StandardCharsets.ISO_8859_1).indexOf("1.4.2");
    badUtf8[at] = (byte) 0xff;
    List<StoredRecord> broken =
        List.of(
            withValue(api, badUtf8),
            edited(api, json -> json.substring(0, json.length() - 1)),
            edited(api, json -> json.replace("\"port\":8080", "\"port\":70000")),
            edited(api, json -> json.replace("\"tags\":[\"v1\"", "\"tags\":[\"v\\u0001\"")),
            edited(api, json -> json.replace("\"v1\"", "\"v\u0001\"")));
    for (StoredRecord r : broken) {
      assertThatThrownBy(() -> codec.restore(new StoredState(4, List.of(r))))
          .as(new String(r.value(), StandardCharsets.ISO_8859_1))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("cannot read stored record instance/api-1");
    }
  }

  private static StoredRecord withValue(StoredRecord r, byte[] value) {
    return new StoredRecord(r.table(), r.key(), r.createIndex(), r.modifyIndex(), value);
  }
}
