package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.validation.ValidationException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas over one shared store (a fake of etcd's conditional commits and watches): they converge
 * on the same state and indexes, and checks that need the whole registry hold across them.
 */
class ReplicatedRegistryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final InMemorySharedStore.Server server = new InMemorySharedStore.Server();
  private final List<Registry> replicas = new ArrayList<>();

  private Registry replica(int maxMutations) {
    Registry r = Registry.replicated(server.connect(maxMutations), new SimpleMeterRegistry());
    replicas.add(r);
    return r;
  }

  @AfterEach
  void close() {
    replicas.forEach(Registry::close);
  }

  @Test
  void writesQueuedForASlowStoreAreBoundedAndThoseOverTheBoundFailAtOnce() {
    server.commitDelay(Duration.ofMillis(300));
    Registry r = replica(127);
    int submitted = 70_000;
    List<CompletableFuture<CommandResult>> writes = new ArrayList<>(submitted);
    long start = System.nanoTime();
    for (int i = 0; i < submitted; i++) {
      writes.add(r.submit(RegisterInstance.of(Fixtures.instance("i-" + i, "svc"))));
    }
    long submitMs = (System.nanoTime() - start) / 1_000_000;
    // Answered meanwhile: their places in the queue were free again.
    long answered =
        writes.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    long refused =
        writes.stream()
            .filter(CompletableFuture::isCompletedExceptionally)
            .filter(
                f -> {
                  Throwable t = f.handle((v, e) -> e).join();
                  return t instanceof StoreUnavailableException
                      && t.getMessage().contains("writes queued");
                })
            .count();
    // Over the bound, at once (no submit waited for the slow store), and with a 503-kind error.
    assertThat(refused).isPositive().isGreaterThanOrEqualTo(submitted - 65_536 - answered);
    assertThat(submitMs).isLessThan(20_000);

    // The queued ones are all answered once the store speeds up; nothing else is lost.
    server.commitDelay(Duration.ZERO);
    long applied =
        writes.stream()
            .filter(f -> !f.isCompletedExceptionally())
            .map(CompletableFuture::join)
            .filter(CommandResult::applied)
            .count();
    assertThat(applied + refused).isEqualTo(submitted);
    assertThat(r.snapshot().instanceCount()).isEqualTo((int) applied);
    // And the queue takes writes again.
    assertThat(r.apply(RegisterInstance.of(Fixtures.instance("late", "svc"))).applied()).isTrue();
    System.out.printf(
        "bounded queue: %d submitted in %d ms, %d refused at once, %d applied%n",
        submitted, submitMs, refused, applied);
  }

  @Test
  void gaugesKeepReadingAfterGarbageCollection() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Registry r = Registry.replicated(server.connect(127), meters);
    replicas.add(r);
    r.apply(RegisterInstance.of(Fixtures.instance("web-1", "web")));
    System.gc();
    System.gc();
    assertThat(meters.get("cairn.registry.index").gauge().value()).isEqualTo(r.snapshot().index());
    assertThat(meters.get("cairn.registry.instances").gauge().value()).isEqualTo(1);
    assertThat(meters.get("cairn.store.available").gauge().value()).isEqualTo(1);
    server.down(true);
    assertThat(meters.get("cairn.store.available").gauge().value()).isZero();
  }

  @Test
  void aWriterIsAnsweredBeforeTheReadersItsWriteWakesAndReadsItsWrite() throws Exception {
    WakeOrder.assertWriterAnsweredBeforeReadersWake(replica(127), server::holdCommits);
  }

  @Test
  void aWriteOnOneReplicaReachesTheOtherWithTheSameIndexes() {
    Registry a = replica(127);
    Registry b = replica(127);
    CommandResult r = a.apply(RegisterInstance.of(Fixtures.instance("web-1", "web")));
    assertThat(r.applied()).isTrue();
    await().atMost(WAIT).until(() -> b.snapshot().index() == r.index());

    var onA = a.snapshot().instance("web-1").orElseThrow();
    var onB = b.snapshot().instance("web-1").orElseThrow();
    assertThat(onB).isEqualTo(onA);
    assertThat(onB.createIndex()).isEqualTo(r.index());
    assertThat(b.snapshot().serviceIndex("web")).isEqualTo(a.snapshot().serviceIndex("web"));

    // An update keeps the create index on both.
    CommandResult update =
        b.apply(RegisterInstance.of(Fixtures.instance("web-1", "web", "10.0.0.9", 80)));
    await().atMost(WAIT).until(() -> a.snapshot().index() == update.index());
    assertThat(a.snapshot().instance("web-1").orElseThrow().createIndex()).isEqualTo(r.index());
    assertThat(a.snapshot().instance("web-1").orElseThrow().modifyIndex())
        .isEqualTo(update.index());
  }

  @Test
  void concurrentWritersOnThreeReplicasConverge() {
    List<Registry> rs = List.of(replica(127), replica(127), replica(127));
    List<CompletableFuture<CommandResult>> results = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      Registry r = rs.get(i % 3);
      results.add(r.submit(RegisterInstance.of(Fixtures.instance("i-" + i, "svc-" + (i % 7)))));
    }
    results.forEach(f -> assertThat(f.join().applied()).isTrue());
    long last = results.stream().mapToLong(f -> f.join().index()).max().orElseThrow();
    for (Registry r : rs) {
      await().atMost(WAIT).until(() -> r.snapshot().index() >= last);
      assertThat(r.snapshot().instanceCount()).isEqualTo(600);
    }
    for (int s = 0; s < 7; s++) {
      String service = "svc-" + s;
      assertThat(rs.get(1).snapshot().serviceIndex(service))
          .isEqualTo(rs.get(0).snapshot().serviceIndex(service))
          .isEqualTo(rs.get(2).snapshot().serviceIndex(service));
    }
  }

  @Test
  void checkAndSetHoldsAcrossReplicas() {
    Registry a = replica(127);
    Registry b = replica(127);
    for (int round = 0; round < 20; round++) {
      var entry = new ServiceDefaults("svc-" + round, Protocol.HTTP, Map.of());
      var first = a.submit(new PutConfigEntry(entry, OptionalLong.of(0)));
      var second = b.submit(new PutConfigEntry(entry, OptionalLong.of(0)));
      List<CommandResult.Outcome> outcomes =
          List.of(first.join().outcome(), second.join().outcome());
      assertThat(outcomes)
          .containsExactlyInAnyOrder(
              CommandResult.Outcome.APPLIED, CommandResult.Outcome.CAS_FAILED);
    }
  }

  @Test
  void aCheckCannotBeAttachedToAnInstanceAnotherReplicaJustRemoved() {
    Registry a = replica(127);
    Registry b = replica(127);
    CommandResult r = a.apply(RegisterInstance.of(Fixtures.instance("web-1", "web")));
    await().atMost(WAIT).until(() -> b.snapshot().index() >= r.index());
    a.apply(new DeregisterInstance("web-1"));
    // b has not necessarily seen the deregistration; its commit conflicts and is re-judged.
    HealthCheck check = Fixtures.ttlCheck("c-1", "web-1", HealthStatus.PASSING);
    assertThatThrownBy(() -> b.apply(new io.cairn.registry.command.RegisterCheck(check)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("web-1");
  }

  @Test
  void largeBatchesAreSplitToTheStoresLimitAndAnOversizedCommandIsRejected() {
    Registry a = replica(10);
    List<CompletableFuture<CommandResult>> results = new ArrayList<>();
    for (int i = 0; i < 95; i++) {
      results.add(a.submit(RegisterInstance.of(Fixtures.instance("i-" + i, "web"))));
    }
    results.forEach(f -> assertThat(f.join().applied()).isTrue());
    assertThat(a.snapshot().instanceCount()).isEqualTo(95);
    assertThat(results.stream().map(f -> f.join().index()).distinct().count())
        .isGreaterThanOrEqualTo(10);

    List<HealthCheck> checks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      checks.add(Fixtures.ttlCheck("c-" + i, "big", HealthStatus.PASSING));
    }
    var big = new RegisterInstance(Fixtures.instance("big", "web"), checks, false);
    assertThatThrownBy(() -> a.apply(big))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("at most 10 records");
    assertThat(a.snapshot().instance("big")).isEmpty();
  }

  @Test
  void withoutTheStoreReadsKeepWorkingAndWritesFailAsUnavailable() {
    Registry a = replica(127);
    a.apply(RegisterInstance.of(Fixtures.instance("web-1", "web")));
    server.down(true);
    var write = a.submit(RegisterInstance.of(Fixtures.instance("web-2", "web")));
    assertThatThrownBy(write::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(StoreUnavailableException.class);
    assertThat(a.snapshot().instance("web-1")).isPresent();
    server.down(false);
    assertThat(a.apply(RegisterInstance.of(Fixtures.instance("web-2", "web"))).applied()).isTrue();
  }

  @Test
  void aLateReplicaLoadsTheStateAndFollowsFromThere() {
    Registry a = replica(127);
    a.apply(RegisterInstance.of(Fixtures.instance("web-1", "web")));
    server.bumpRevision();
    Registry late = replica(127);
    assertThat(late.snapshot().instance("web-1")).isPresent();
    assertThat(late.snapshot().index()).isEqualTo(a.snapshot().index());
    CommandResult r = late.apply(RegisterInstance.of(Fixtures.instance("web-2", "web")));
    assertThat(r.index()).isGreaterThan(a.snapshot().index() - 1);
    await().atMost(WAIT).until(() -> a.snapshot().instance("web-2").isPresent());
  }
}
