package io.cairn.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.Fixtures;
import io.cairn.registry.Registry;
import io.cairn.registry.StoreUnavailableException;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ProxyDefaults;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.UpstreamConfig;
import io.cairn.registry.config.UpstreamLimits;
import io.cairn.registry.config.UpstreamSettings;
import io.cairn.testfixtures.etcd.LocalEtcd;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registries over {@link EtcdStore} on a real single-member etcd. */
class EtcdStoreIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private LocalEtcd etcd;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  private EtcdSettings settings(List<String> endpoints) {
    return TestEtcdSettings.of(endpoints, Duration.ofSeconds(5)); // longer than a leader election
  }

  private Registry replica(String node) {
    return replica(node, etcd.endpoints());
  }

  private Registry replica(String node, List<String> endpoints) {
    Registry r =
        Registry.replicated(
            EtcdStore.connect(settings(endpoints), node), new SimpleMeterRegistry());
    open.add(r);
    return r;
  }

  @Test
  void replicasShareStateAndIndexesThroughEtcd() {
    etcd = LocalEtcd.start(1, dir);
    Registry a = replica("a");
    Registry b = replica("b");
    CommandResult r = a.apply(RegisterInstance.of(Fixtures.instance("web-1", "web")));
    await().atMost(WAIT).until(() -> b.snapshot().instance("web-1").isPresent());
    assertThat(b.snapshot().index()).isEqualTo(r.index());
    assertThat(b.snapshot().instance("web-1")).isEqualTo(a.snapshot().instance("web-1"));

    // Concurrent writers on both replicas: every write lands, both agree.
    List<CompletableFuture<CommandResult>> writes = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      Registry on = i % 2 == 0 ? a : b;
      writes.add(on.submit(RegisterInstance.of(Fixtures.instance("i-" + i, "svc-" + i % 5))));
    }
    writes.forEach(f -> assertThat(f.join().applied()).isTrue());
    long last = writes.stream().mapToLong(f -> f.join().index()).max().orElseThrow();
    await().atMost(WAIT).until(() -> a.snapshot().index() >= last && b.snapshot().index() >= last);
    assertThat(a.snapshot().instanceCount()).isEqualTo(401);
    assertThat(b.snapshot().instanceCount()).isEqualTo(401);
    assertThat(b.snapshot().serviceIndex("svc-3")).isEqualTo(a.snapshot().serviceIndex("svc-3"));

    // A new replica loads the same state.
    Registry c = replica("c");
    assertThat(c.snapshot().instanceCount()).isEqualTo(401);
    assertThat(c.snapshot().instance("i-7")).isEqualTo(a.snapshot().instance("i-7"));

    // Check-and-set across replicas: exactly one of two creators wins.
    var entry = new ServiceDefaults("web", Protocol.HTTP, Map.of());
    var one = a.submit(new PutConfigEntry(entry, OptionalLong.of(0)));
    var two = b.submit(new PutConfigEntry(entry, OptionalLong.of(0)));
    assertThat(List.of(one.join().outcome(), two.join().outcome()))
        .containsExactlyInAnyOrder(CommandResult.Outcome.APPLIED, CommandResult.Outcome.CAS_FAILED);

    // proxy-defaults and an UpstreamConfig travel through etcd like the other kinds.
    var global =
        new ProxyDefaults(ProxyDefaults.GLOBAL, java.util.Optional.of(Protocol.GRPC), Map.of());
    var limits =
        new UpstreamLimits(
            java.util.Optional.of(5), java.util.Optional.empty(), java.util.Optional.of(1));
    var upstream =
        new ServiceDefaults(
            "api",
            Protocol.GRPC,
            new UpstreamConfig(
                new UpstreamSettings(
                    java.util.Optional.of(java.time.Duration.ofMillis(800)),
                    java.util.Optional.of(limits),
                    java.util.Optional.empty()),
                Map.of()),
            Map.of());
    a.apply(PutConfigEntry.of(global));
    long at = a.apply(PutConfigEntry.of(upstream)).index();
    await().atMost(WAIT).until(() -> b.snapshot().index() >= at);
    Registry d = replica("d");
    for (Registry replica : List.of(b, d)) {
      assertThat(replica.snapshot().configEntry(global.kind(), global.name()).map(e -> e.value()))
          .contains(global);
      assertThat(
              replica.snapshot().configEntry(upstream.kind(), upstream.name()).map(e -> e.value()))
          .contains(upstream);
    }
  }

  @Test
  void aReplicaThatLostEtcdServesReadsRejectsWritesAndReloadsAfterCompaction() throws Exception {
    etcd = LocalEtcd.start(3, dir);
    Registry a = replica("a", List.of(etcd.endpoints().get(1)));
    // b talks to member 0 only, so taking member 0 away cuts b off while a carries on.
    Registry b = replica("b", List.of(etcd.endpoints().get(0)));
    a.apply(RegisterInstance.of(Fixtures.instance("web-1", "web")));
    await().atMost(WAIT).until(() -> b.snapshot().instance("web-1").isPresent());

    etcd.kill(0);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThatThrownBy(
                        () -> b.apply(RegisterInstance.of(Fixtures.instance("web-x", "web"))))
                    .isInstanceOf(StoreUnavailableException.class));
    assertThat(b.snapshot().instance("web-1")).isPresent();

    // Changes b cannot see, then a compaction that removes them from etcd's history. The first
    // writes after a leader dies may time out (etcd drops proposals in flight); retry those.
    retry(() -> a.apply(new DeregisterInstance("web-1")));
    retry(() -> a.apply(RegisterInstance.of(Fixtures.instance("web-2", "web"))));
    long index = a.snapshot().index();
    try (Client other = Client.builder().endpoints(etcd.endpoints().get(2)).build()) {
      long revision =
          other
              .getKVClient()
              .put(bytes("/unrelated"), bytes("x"))
              .get(5, TimeUnit.SECONDS)
              .getHeader()
              .getRevision();
      other.getKVClient().compact(revision).get(5, TimeUnit.SECONDS);
    }
    assertThat(b.snapshot().instance("web-1")).isPresent();

    etcd.restart(0);
    await()
        .atMost(WAIT)
        .until(
            () ->
                b.snapshot().instance("web-2").isPresent()
                    && b.snapshot().instance("web-1").isEmpty());
    assertThat(b.snapshot().index()).isEqualTo(index);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        b.apply(RegisterInstance.of(Fixtures.instance("web-3", "web"))).applied())
                    .isTrue());
    await().atMost(WAIT).until(() -> a.snapshot().instance("web-3").isPresent());
  }

  @Test
  void withEtcdAuthOnlyTheRightPasswordGetsIn() throws Exception {
    etcd = LocalEtcd.start(1, dir);
    try (Client admin = Client.builder().endpoints(etcd.endpoints().getFirst()).build()) {
      var auth = admin.getAuthClient();
      auth.userAdd(bytes("root"), bytes("s3cret")).get(5, TimeUnit.SECONDS);
      auth.roleAdd(bytes("root")).get(5, TimeUnit.SECONDS);
      auth.userGrantRole(bytes("root"), bytes("root")).get(5, TimeUnit.SECONDS);
      auth.authEnable().get(5, TimeUnit.SECONDS);
    }
    EtcdSettings base = settings(etcd.endpoints());
    EtcdSettings right = withPassword(base, "s3cret");
    Registry r = Registry.replicated(EtcdStore.connect(right, "a"), new SimpleMeterRegistry());
    open.add(r);
    assertThat(r.apply(RegisterInstance.of(Fixtures.instance("web-1", "web"))).applied()).isTrue();

    EtcdSettings wrong = withPassword(base, "wrong");
    EtcdStore refused = EtcdStore.connect(wrong, "b");
    open.add(refused);
    assertThatThrownBy(refused::load)
        .isInstanceOf(io.cairn.registry.StoreException.class)
        .hasMessageContaining("authentication failed");
  }

  private static EtcdSettings withPassword(EtcdSettings base, String password) {
    return new EtcdSettings(
        base.endpoints(),
        base.prefix(),
        java.util.Optional.of("root"),
        java.util.Optional.of(password),
        base.caFile(),
        base.certFile(),
        base.keyFile(),
        Duration.ofSeconds(3),
        base.memberTtl(),
        base.maxTxnOps());
  }

  /**
   * Applies a write until the store takes it; a write whose earlier attempt timed out may already
   * be there, so "not found" counts as done.
   */
  private static void retry(Runnable write) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreException(StoreUnavailableException.class)
        .until(
            () -> {
              try {
                write.run();
              } catch (io.cairn.registry.NotFoundException e) {
                // applied by an attempt that timed out
              }
              return true;
            });
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
