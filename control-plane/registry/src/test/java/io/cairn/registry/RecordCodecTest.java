package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.PassiveHealthCheck;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ProxyDefaults;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.UpstreamConfig;
import io.cairn.registry.config.UpstreamLimits;
import io.cairn.registry.config.UpstreamSettings;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.ProbeCheck;
import io.cairn.registry.model.TcpCheck;
import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.StoredRecord;
import io.cairn.registry.store.StoredState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  private final RecordCodec codec = new RecordCodec();

  /** A stored TCP check whose timeout, in the stored JSON, is {@code timeout}. */
  private StoredRecord storedCheckWithTimeout(Duration timeout) {
    Duration stored = Duration.ofSeconds(7);
    HealthCheck check =
        HealthCheck.of(
            "c",
            "c",
            "i",
            new TcpCheck("127.0.0.1", 80, Duration.ofSeconds(10), stored),
            HealthStatus.PASSING);
    Mutation.Put put =
        (Mutation.Put)
            codec
                .batch(5, List.of(new Write.Put(Table.CHECK, "c", new Indexed<>(check, 5, 5))))
                .mutations()
                .getFirst();
    StoredRecord r = put.record();
    String json = new String(r.value(), StandardCharsets.UTF_8);
    String field = "\"timeout\":" + stored.toNanos();
    assertThat(json).contains(field);
    byte[] edited =
        json.replace(field, "\"timeout\":" + timeout.toNanos()).getBytes(StandardCharsets.UTF_8);
    return new StoredRecord(r.table(), r.key(), r.createIndex(), r.modifyIndex(), edited);
  }

  @Test
  void checksStoredBeforeTheTimeoutBoundRestoreWithTheMaximum() {
    StoredRecord legacy = storedCheckWithTimeout(Duration.ofHours(24));
    var snapshot = codec.restore(new StoredState(5, List.of(legacy)));
    HealthCheck restored = snapshot.check("c").orElseThrow().value();
    assertThat(((ProbeCheck) restored.definition()).timeout()).isEqualTo(ProbeCheck.MAX_TIMEOUT);
  }

  @Test
  void otherwiseInvalidStoredChecksStillFailTheRestore() {
    StoredRecord broken = storedCheckWithTimeout(Duration.ZERO);
    assertThatThrownBy(() -> codec.restore(new StoredState(5, List.of(broken))))
        .hasMessageContaining("timeout");
  }

  @Test
  void checksOfInstancesThatAreNotStoredRestoreInInstanceOrderWithTheOthers() {
    // The writer never stores these; a hand edit can. Groups come out sorted all the same.
    List<Write> writes =
        List.of(
            new Write.Put(Table.INSTANCE, "b", new Indexed<>(Fixtures.instance("b", "s"), 2, 2)),
            new Write.Put(Table.INSTANCE, "a", new Indexed<>(Fixtures.instance("a", "s"), 3, 3)),
            check("zz:1", "zz", 4),
            check("a:2", "a", 5),
            check("0:1", "0", 6),
            check("a:1", "a", 7));
    List<StoredRecord> records =
        codec.batch(7, writes).mutations().stream().map(m -> ((Mutation.Put) m).record()).toList();

    RegistrySnapshot snapshot = codec.restore(new StoredState(7, records));

    assertThat(snapshot.checksByInstance.keySet()).containsExactly("0", "a", "zz");
    assertThat(snapshot.checksByInstance.get("a").keySet()).containsExactly("a:1", "a:2");
    assertThat(snapshot.checksByInstance.get("zz").keySet()).containsExactly("zz:1");
    assertThat(snapshot.instances.keySet()).containsExactly("a", "b");
  }

  private static Write check(String id, String instanceId, long index) {
    return new Write.Put(
        Table.CHECK,
        id,
        new Indexed<>(Fixtures.ttlCheck(id, instanceId, HealthStatus.PASSING), index, index));
  }

  static UpstreamConfig upstreamConfig() {
    return new UpstreamConfig(
        new UpstreamSettings(
            Optional.of(Duration.ofMillis(1500)),
            Optional.of(new UpstreamLimits(Optional.of(10), Optional.empty(), Optional.of(3))),
            Optional.of(
                new PassiveHealthCheck(
                    Optional.of(Duration.ofSeconds(2)),
                    Optional.of(4),
                    Optional.of(80),
                    Optional.empty(),
                    Optional.of(Duration.ofSeconds(30))))),
        Map.of(
            "api",
            new UpstreamSettings(
                Optional.empty(),
                Optional.of(new UpstreamLimits(Optional.empty(), Optional.of(7), Optional.empty())),
                Optional.empty())));
  }

  private StoredRecord stored(ConfigEntry entry) {
    Mutation.Put put =
        (Mutation.Put)
            codec
                .batch(
                    3,
                    List.of(
                        new Write.Put(
                            Table.CONFIG,
                            entry.kind().wireName() + "/" + entry.name(),
                            new Indexed<>(entry, 3, 3))))
                .mutations()
                .getFirst();
    return put.record();
  }

  @Test
  void upstreamConfigAndProxyDefaultsRoundTrip() {
    List<ConfigEntry> entries =
        List.of(
            new ServiceDefaults("web", Protocol.GRPC, upstreamConfig(), Map.of("a", "b")),
            new ProxyDefaults(ProxyDefaults.GLOBAL, Optional.of(Protocol.HTTP), Map.of()),
            new ProxyDefaults(ProxyDefaults.GLOBAL, Optional.empty(), Map.of()));
    for (ConfigEntry entry : entries) {
      assertThat(codec.decode(stored(entry))).isEqualTo(entry);
    }
  }

  @Test
  void serviceDefaultsStoredBeforeUpstreamConfigRestoreWithNone() throws Exception {
    StoredRecord r = stored(new ServiceDefaults("web", Protocol.HTTP, upstreamConfig(), Map.of()));
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(r.value());
    assertThat(tree.remove("upstreamConfig")).isNotNull();
    Object decoded =
        codec.decode(new StoredRecord(r.table(), r.key(), 3, 3, mapper.writeValueAsBytes(tree)));
    assertThat(decoded).isEqualTo(new ServiceDefaults("web", Protocol.HTTP, Map.of()));
  }

  private static io.cairn.registry.config.ServiceResolver resolver(
      String name,
      io.cairn.registry.config.LoadBalancerPolicy policy,
      Optional<io.cairn.registry.config.RingHashConfig> ring,
      Optional<io.cairn.registry.config.LeastRequestConfig> least) {
    return resolver(name, policy, ring, least, List.of());
  }

  private static io.cairn.registry.config.ServiceResolver resolver(
      String name,
      io.cairn.registry.config.LoadBalancerPolicy policy,
      Optional<io.cairn.registry.config.RingHashConfig> ring,
      Optional<io.cairn.registry.config.LeastRequestConfig> least,
      List<io.cairn.registry.config.HashPolicy> hashPolicies) {
    return io.cairn.registry.config.ServiceResolver.builder(name)
        .loadBalancer(Optional.of(policy))
        .ringHashConfig(ring)
        .leastRequestConfig(least)
        .hashPolicies(hashPolicies)
        .build();
  }

  @Test
  void resolverLoadBalancerSettingsRoundTripAndOlderResolversRestoreWithout() throws Exception {
    var ring =
        resolver(
            "web",
            io.cairn.registry.config.LoadBalancerPolicy.RING_HASH,
            Optional.of(
                new io.cairn.registry.config.RingHashConfig(Optional.of(64L), Optional.empty())),
            Optional.empty(),
            List.of(
                io.cairn.registry.config.HashPolicy.header("x-user", true),
                new io.cairn.registry.config.HashPolicy(
                    Optional.of(io.cairn.registry.config.HashPolicy.Field.COOKIE),
                    "sticky",
                    Optional.of(
                        new io.cairn.registry.config.HashPolicy.CookieConfig(
                            false, Optional.of(java.time.Duration.ofMinutes(5)), "/app")),
                    false,
                    false),
                io.cairn.registry.config.HashPolicy.sourceIp(false)));
    var least =
        resolver(
            "api",
            io.cairn.registry.config.LoadBalancerPolicy.LEAST_REQUEST,
            Optional.empty(),
            Optional.of(new io.cairn.registry.config.LeastRequestConfig(3)));
    assertThat(codec.decode(stored(ring))).isEqualTo(ring);
    assertThat(codec.decode(stored(least))).isEqualTo(least);

    StoredRecord r = stored(ring);
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(r.value());
    assertThat(tree.remove("ringHashConfig")).isNotNull();
    assertThat(tree.remove("leastRequestConfig")).isNotNull();
    assertThat(tree.remove("hashPolicies")).isNotNull();
    Object decoded =
        codec.decode(new StoredRecord(r.table(), r.key(), 3, 3, mapper.writeValueAsBytes(tree)));
    assertThat(decoded)
        .isEqualTo(
            resolver(
                "web",
                io.cairn.registry.config.LoadBalancerPolicy.RING_HASH,
                Optional.empty(),
                Optional.empty()));
  }

  @Test
  void resolverLocalityPriorityRoundTripsAndOlderResolversRestoreWithout() throws Exception {
    var prioritized =
        io.cairn.registry.config.ServiceResolver.builder("web").prioritizeByLocality(true).build();
    assertThat(codec.decode(stored(prioritized))).isEqualTo(prioritized);

    StoredRecord r = stored(prioritized);
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(r.value());
    assertThat(tree.remove("prioritizeByLocality").asBoolean()).isTrue();
    Object decoded =
        codec.decode(new StoredRecord(r.table(), r.key(), 3, 3, mapper.writeValueAsBytes(tree)));
    assertThat(decoded).isEqualTo(io.cairn.registry.config.ServiceResolver.builder("web").build());
  }
}
