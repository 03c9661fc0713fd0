package io.cairn.registry;

import static io.cairn.registry.Fixtures.instance;
import static io.cairn.registry.Fixtures.ttlCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.CommandResult.Outcome;
import io.cairn.registry.command.DeleteConfigEntry;
import io.cairn.registry.command.DeregisterCheck;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterCheck;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.SetMaintenance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ResolverSubset;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.InstanceHealth;
import io.cairn.registry.validation.ValidationException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryTest {
  private InMemoryStore store;
  private Registry registry;

  @BeforeEach
  void open() {
    store = new InMemoryStore();
    registry = Registry.open(store, new SimpleMeterRegistry());
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void registrationGetsAnIndexAndIsVisibleInTheNextSnapshot() {
    CommandResult result = registry.apply(RegisterInstance.of(instance("web-1", "web")));

    assertThat(result.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(result.index()).isEqualTo(2);
    RegistrySnapshot s = registry.snapshot();
    assertThat(s.index()).isEqualTo(2);
    assertThat(s.serviceNames()).containsExactly("web");
    assertThat(s.instance("web-1"))
        .hasValueSatisfying(
            i -> {
              assertThat(i.createIndex()).isEqualTo(2);
              assertThat(i.modifyIndex()).isEqualTo(2);
            });
    assertThat(s.serviceIndex("web")).isEqualTo(2);
    assertThat(s.tableIndexes().catalog()).isEqualTo(2);
  }

  @Test
  void reRegisteringKeepsCreateIndexAndBumpsModifyIndex() {
    registry.apply(RegisterInstance.of(instance("web-1", "web")));
    registry.apply(RegisterInstance.of(instance("other", "db")));
    var changed = instance("web-1", "web").toBuilder().port(9090).build();

    CommandResult result = registry.apply(RegisterInstance.of(changed));

    assertThat(result.index()).isEqualTo(4);
    var stored = registry.snapshot().instance("web-1").orElseThrow();
    assertThat(stored.createIndex()).isEqualTo(2);
    assertThat(stored.modifyIndex()).isEqualTo(4);
    assertThat(stored.value().port()).isEqualTo(9090);
  }

  @Test
  void identicalRegistrationWritesNothing() {
    registry.apply(RegisterInstance.of(instance("web-1", "web")));
    int commits = store.commitCount();

    CommandResult again = registry.apply(RegisterInstance.of(instance("web-1", "web")));

    assertThat(again.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(again.index()).isEqualTo(2);
    assertThat(store.commitCount()).isEqualTo(commits);
    assertThat(registry.snapshot().index()).isEqualTo(2);
  }

  @Test
  void renamingAnInstanceMovesItBetweenServices() {
    registry.apply(RegisterInstance.of(instance("x-1", "old")));
    registry.apply(RegisterInstance.of(instance("x-1", "new")));

    RegistrySnapshot s = registry.snapshot();
    assertThat(s.serviceNames()).containsExactly("new");
    assertThat(s.instancesOf("old")).isEmpty();
    assertThat(s.serviceIndex("old")).isEqualTo(3);
  }

  @Test
  void deregisterRemovesInstanceChecksAndMaintenance() {
    registry.apply(
        new RegisterInstance(
            instance("web-1", "web"),
            List.of(ttlCheck("c1", "web-1", HealthStatus.PASSING)),
            false));
    registry.apply(SetMaintenance.enable("web-1", "upgrade"));

    registry.apply(new DeregisterInstance("web-1"));

    RegistrySnapshot s = registry.snapshot();
    assertThat(s.instanceCount()).isZero();
    assertThat(s.checkCount()).isZero();
    assertThat(s.maintenance("web-1")).isEmpty();
    assertThat(s.serviceNames()).isEmpty();
    assertThat(s.serviceIndex("web")).isEqualTo(4);
  }

  @Test
  void unknownIdsAreNotFound() {
    assertThatThrownBy(() -> registry.apply(new DeregisterInstance("nope")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> registry.apply(new UpdateCheck("nope", HealthStatus.PASSING, "")))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> registry.apply(new DeregisterCheck("nope")))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> registry.apply(SetMaintenance.enable("nope", "")))
        .isInstanceOf(NotFoundException.class);
    assertThat(registry.snapshot().index()).isZero();
  }

  @Test
  void healthIsTheWorstCheckAndMaintenanceOverridesIt() {
    registry.apply(
        new RegisterInstance(
            instance("web-1", "web"),
            List.of(
                ttlCheck("a", "web-1", HealthStatus.PASSING),
                ttlCheck("b", "web-1", HealthStatus.WARNING)),
            false));
    assertThat(status("web")).isEqualTo(HealthStatus.WARNING);

    registry.apply(new UpdateCheck("a", HealthStatus.CRITICAL, "down"));
    assertThat(status("web")).isEqualTo(HealthStatus.CRITICAL);

    registry.apply(SetMaintenance.enable("web-1", "patching"));
    assertThat(status("web")).isEqualTo(HealthStatus.MAINTENANCE);

    registry.apply(SetMaintenance.disable("web-1"));
    assertThat(status("web")).isEqualTo(HealthStatus.CRITICAL);
  }

  private HealthStatus status(String service) {
    List<InstanceHealth> health = registry.snapshot().health(service);
    assertThat(health).hasSize(1);
    return health.getFirst().status();
  }

  @Test
  void unchangedCheckStatusWritesNothing() {
    registry.apply(
        new RegisterInstance(
            instance("web-1", "web"),
            List.of(ttlCheck("c", "web-1", HealthStatus.PASSING)),
            false));
    int commits = store.commitCount();

    CommandResult same = registry.apply(new UpdateCheck("c", HealthStatus.PASSING, ""));

    assertThat(same.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(store.commitCount()).isEqualTo(commits);
    CommandResult changed = registry.apply(new UpdateCheck("c", HealthStatus.CRITICAL, "boom"));
    assertThat(changed.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(registry.snapshot().check("c").orElseThrow().value().output()).isEqualTo("boom");
  }

  @Test
  void reRegistrationKeepsStatusOfUnchangedChecksAndCanReplaceChecks() {
    registry.apply(
        new RegisterInstance(
            instance("web-1", "web"),
            List.of(
                ttlCheck("keep", "web-1", HealthStatus.CRITICAL),
                ttlCheck("drop", "web-1", HealthStatus.CRITICAL)),
            false));
    registry.apply(new UpdateCheck("keep", HealthStatus.PASSING, "ok"));

    registry.apply(
        new RegisterInstance(
            instance("web-1", "web"),
            List.of(ttlCheck("keep", "web-1", HealthStatus.CRITICAL)),
            true));

    RegistrySnapshot s = registry.snapshot();
    assertThat(s.check("drop")).isEmpty();
    assertThat(s.check("keep").orElseThrow().value().status()).isEqualTo(HealthStatus.PASSING);
  }

  @Test
  void checkIdsCannotBeStolenFromAnotherInstance() {
    registry.apply(
        new RegisterInstance(
            instance("a", "web"), List.of(ttlCheck("shared", "a", HealthStatus.PASSING)), false));
    registry.apply(RegisterInstance.of(instance("b", "web")));

    assertThatThrownBy(
            () -> registry.apply(new RegisterCheck(ttlCheck("shared", "b", HealthStatus.PASSING))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("already belongs to instance 'a'");
    assertThatThrownBy(
            () -> registry.apply(new RegisterCheck(ttlCheck("c", "ghost", HealthStatus.PASSING))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("no instance with id 'ghost'");
  }

  @Test
  void configCheckAndSetFollowsConsul() {
    var defaults = new ServiceDefaults("web", Protocol.HTTP, Map.of());
    assertThat(registry.apply(new PutConfigEntry(defaults, OptionalLong.of(0))).outcome())
        .isEqualTo(Outcome.APPLIED);
    assertThat(registry.apply(new PutConfigEntry(defaults, OptionalLong.of(0))).outcome())
        .isEqualTo(Outcome.CAS_FAILED);
    long modify = registry.snapshot().configEntry(defaults.key()).orElseThrow().modifyIndex();
    var grpc = new ServiceDefaults("web", Protocol.GRPC, Map.of());
    assertThat(registry.apply(new PutConfigEntry(grpc, OptionalLong.of(modify + 7))).outcome())
        .isEqualTo(Outcome.CAS_FAILED);
    assertThat(registry.apply(new PutConfigEntry(grpc, OptionalLong.of(modify))).outcome())
        .isEqualTo(Outcome.APPLIED);
    assertThat(
            registry
                .apply(new DeleteConfigEntry(defaults.key(), OptionalLong.of(modify)))
                .outcome())
        .isEqualTo(Outcome.CAS_FAILED);
    assertThat(registry.apply(DeleteConfigEntry.of(defaults.key())).outcome())
        .isEqualTo(Outcome.APPLIED);
    assertThat(registry.apply(DeleteConfigEntry.of(defaults.key())).outcome())
        .isEqualTo(Outcome.UNCHANGED);
  }

  @Test
  void configReferencesAreCheckedAcrossEntries() {
    var splitter =
        new ServiceSplitter(
            "web",
            List.of(
                new Split(90, new ServiceTarget("", "v1")),
                new Split(10, new ServiceTarget("", "v2"))),
            Map.of());

    assertThatThrownBy(() -> registry.apply(PutConfigEntry.of(splitter)))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Object::toString)
                    .anySatisfy(p -> assertThat(p).contains("needs protocol http"))
                    .anySatisfy(p -> assertThat(p).contains("subset 'v1' is not defined"))
                    .anySatisfy(p -> assertThat(p).contains("subset 'v2' is not defined")));

    registry.apply(PutConfigEntry.of(new ServiceDefaults("web", Protocol.HTTP, Map.of())));
    registry.apply(PutConfigEntry.of(resolver("web", "v1", "v2")));
    registry.apply(PutConfigEntry.of(splitter));

    assertThatThrownBy(
            () ->
                registry.apply(
                    DeleteConfigEntry.of(
                        new ConfigEntryKey(ConfigEntryKind.SERVICE_RESOLVER, "web"))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("subset 'v1' is not defined");
    assertThatThrownBy(
            () ->
                registry.apply(
                    PutConfigEntry.of(new ServiceDefaults("web", Protocol.TCP, Map.of()))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "splitting needs protocol http, http2 or grpc but 'web' is tcp, which does not permit"
                + " advanced routing or splitting behavior");
    assertThat(registry.snapshot().configEntries()).hasSize(3);
  }

  @Test
  void writesThatLeaveAChainsServicesDisagreeingOnProtocolAreRefused() {
    registry.apply(PutConfigEntry.of(new ServiceDefaults("web", Protocol.HTTP, Map.of())));
    var splitter =
        new ServiceSplitter(
            "web",
            List.of(
                new Split(90, new ServiceTarget("", "")),
                new Split(10, new ServiceTarget("api", ""))),
            Map.of());
    assertThatThrownBy(() -> registry.apply(PutConfigEntry.of(splitter)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "chain.web: discovery chain \"web\" uses inconsistent protocols; service \"api\" has"
                + " \"tcp\" which is not \"http\"");

    registry.apply(PutConfigEntry.of(new ServiceDefaults("api", Protocol.HTTP, Map.of())));
    registry.apply(PutConfigEntry.of(splitter));
    // A router in front of web: front's chain goes through web's splitter to api as well.
    registry.apply(PutConfigEntry.of(new ServiceDefaults("front", Protocol.HTTP, Map.of())));
    registry.apply(
        PutConfigEntry.of(
            new io.cairn.registry.config.ServiceRouter(
                "front",
                List.of(
                    new io.cairn.registry.config.Route(
                        io.cairn.registry.config.HttpRouteMatch.pathPrefix("/web"),
                        io.cairn.registry.config.RouteDestination.to(
                            new ServiceTarget("web", "")))),
                Map.of())));

    ConfigEntryKey apiDefaults = new ConfigEntryKey(ConfigEntryKind.SERVICE_DEFAULTS, "api");
    assertThatThrownBy(
            () ->
                registry.apply(
                    PutConfigEntry.of(new ServiceDefaults("api", Protocol.GRPC, Map.of()))))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Object::toString)
                    .containsExactlyInAnyOrder(
                        "chain.front: discovery chain \"front\" uses inconsistent protocols;"
                            + " service \"api\" has \"grpc\" which is not \"http\" (set the"
                            + " protocol with a service-defaults entry)",
                        "chain.web: discovery chain \"web\" uses inconsistent protocols;"
                            + " service \"api\" has \"grpc\" which is not \"http\" (set the"
                            + " protocol with a service-defaults entry)"));
    assertThatThrownBy(() -> registry.apply(DeleteConfigEntry.of(apiDefaults)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("service \"api\" has \"tcp\" which is not \"http\"");

    // With proxy-defaults' mesh-wide http, api no longer needs its own entry.
    var global =
        new io.cairn.registry.config.ProxyDefaults(
            io.cairn.registry.config.ProxyDefaults.GLOBAL, Optional.of(Protocol.HTTP), Map.of());
    registry.apply(PutConfigEntry.of(global));
    assertThat(registry.apply(DeleteConfigEntry.of(apiDefaults)).outcome())
        .isEqualTo(Outcome.APPLIED);
    assertThatThrownBy(() -> registry.apply(DeleteConfigEntry.of(global.key())))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("service \"api\" has \"tcp\" which is not \"http\"");
    assertThatThrownBy(
            () ->
                registry.apply(
                    PutConfigEntry.of(
                        new io.cairn.registry.config.ProxyDefaults(
                            io.cairn.registry.config.ProxyDefaults.GLOBAL,
                            Optional.of(Protocol.GRPC),
                            Map.of()))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("service \"api\" has \"grpc\" which is not \"http\"");
    assertThat(registry.snapshot().configEntry(global.key()).orElseThrow().value())
        .isEqualTo(global);
  }

  static ServiceResolver resolver(String name, String... subsets) {
    Map<String, ResolverSubset> map = new java.util.TreeMap<>();
    for (String s : subsets) {
      map.put(s, new ResolverSubset("Service.Meta.version == " + s, false));
    }
    return ServiceResolver.builder(name).subsets(map).build();
  }

  @Test
  void aRejectedCommandDoesNotDisturbOthersInTheSameBatch() {
    List<CompletableFuture<CommandResult>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      futures.add(registry.submit(RegisterInstance.of(instance("i-" + i, "web"))));
      if (i % 10 == 0) {
        futures.add(registry.submit(new DeregisterInstance("missing-" + i)));
      }
    }

    long failed = futures.stream().filter(f -> f.handle((r, e) -> e != null).join()).count();

    assertThat(failed).isEqualTo(20);
    assertThat(registry.snapshot().instanceCount()).isEqualTo(200);
    assertThat(registry.snapshot().index()).isEqualTo(201);
  }

  @Test
  void concurrentWritersShareCommits() throws Exception {
    int writers = 16;
    int each = 50;
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < each; i++) {
                      registry.apply(RegisterInstance.of(instance("w" + id + "-" + i, "svc" + id)));
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }

    assertThat(registry.snapshot().instanceCount()).isEqualTo(writers * each);
    assertThat(registry.snapshot().index()).isEqualTo(writers * each + 1);
    // Every command got its own index even though commits carried several at once.
    assertThat(store.commitCount()).isLessThanOrEqualTo(writers * each);
    assertThat(store.batches().getLast().index()).isEqualTo(writers * each + 1);
  }

  @Test
  void aFailedCommitAcknowledgesNothingAndPublishesNothing() {
    registry.apply(RegisterInstance.of(instance("web-1", "web")));
    store.failCommits(true);

    assertThatThrownBy(() -> registry.apply(RegisterInstance.of(instance("web-2", "web"))))
        .isInstanceOf(StoreException.class);

    assertThat(registry.snapshot().index()).isEqualTo(2);
    assertThat(registry.snapshot().instance("web-2")).isEmpty();
    store.failCommits(false);
    // Writes are refused until the store has been reopened and read back.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> registry.writeState().writable());
    assertThat(registry.apply(RegisterInstance.of(instance("web-2", "web"))).index()).isEqualTo(3);
  }

  @Test
  void aFailedCommitVoidsWhatWasAppliedOnTopOfItButNothingAcknowledged() {
    store.failCommitNumber(5);
    List<CompletableFuture<CommandResult>> futures = new ArrayList<>();
    List<Thread> writers = new ArrayList<>();
    List<String> ids = new CopyOnWriteArrayList<>();
    for (int w = 0; w < 32; w++) {
      int writer = w;
      writers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < 20; i++) {
                      String id = "w" + writer + "-" + i;
                      ids.add(id);
                      var f = registry.submit(RegisterInstance.of(instance(id, "web")));
                      synchronized (futures) {
                        futures.add(f);
                      }
                      f.handle((r, e) -> null).join();
                    }
                  }));
    }
    writers.forEach(
        t -> {
          try {
            t.join();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });

    long failed = futures.stream().filter(CompletableFuture::isCompletedExceptionally).count();
    assertThat(failed).as("the failed commit took some commands with it").isPositive();
    RegistrySnapshot s = registry.snapshot();
    for (int i = 0; i < futures.size(); i++) {
      CompletableFuture<CommandResult> f = futures.get(i);
      if (!f.isCompletedExceptionally()) {
        long index = f.join().index();
        assertThat(s.index()).isGreaterThanOrEqualTo(index);
      }
    }
    // What the registry shows is exactly what the store holds, and every success is in both.
    for (String id : ids) {
      assertThat(store.contains("instance", id)).isEqualTo(s.instance(id).isPresent());
    }
    assertThat(s.instanceCount()).isEqualTo(futures.size() - (int) failed);
    assertThat(store.load().lastIndex()).isEqualTo(s.index());
  }

  @Test
  void awaitIndexReturnsOnChangeOrTimeout() throws Exception {
    long start = System.nanoTime();
    RegistrySnapshot timedOut = registry.awaitIndex(0, Duration.ofMillis(50));
    assertThat(timedOut.index()).isZero();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));

    CompletableFuture<RegistrySnapshot> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return registry.awaitIndex(0, Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    registry.apply(RegisterInstance.of(instance("web-1", "web")));

    assertThat(waiting.get(10, TimeUnit.SECONDS).index()).isEqualTo(2);
    // Already past: returns at once.
    assertThat(registry.awaitIndex(0, Duration.ofMinutes(5)).index()).isEqualTo(2);
  }

  @Test
  void aWriterIsAnsweredBeforeTheReadersItsWriteWakesAndReadsItsWrite() throws Exception {
    WakeOrder.assertWriterAnsweredBeforeReadersWake(registry, store::holdCommits);
  }

  @Test
  void subscribersSeeEveryChangedServiceInIndexOrder() throws Exception {
    List<ChangeEvent> events = new CopyOnWriteArrayList<>();
    try (Subscription sub = registry.subscribe(events::add)) {
      assertThat(sub.startSnapshot().index()).isZero();
      registry.apply(RegisterInstance.of(instance("a-1", "alpha")));
      registry.apply(RegisterInstance.of(instance("b-1", "beta")));
      registry.apply(PutConfigEntry.of(new ServiceDefaults("alpha", Protocol.HTTP, Map.of())));

      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !events.isEmpty() && events.getLast().toIndex() == 4);
    }
    assertThat(events.getFirst().fromIndex()).isZero();
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).fromIndex()).isEqualTo(events.get(i - 1).toIndex());
    }
    assertThat(events.stream().flatMap(e -> e.services().stream()))
        .containsExactlyInAnyOrder("alpha", "beta");
    assertThat(events.stream().flatMap(e -> e.configEntries().stream()))
        .containsExactly(new ConfigEntryKey(ConfigEntryKind.SERVICE_DEFAULTS, "alpha"));
  }

  /** Consumers can do work in proportion to a change: events name the instances it touched. */
  @Test
  void eventsNameTheInstancesWhoseRegistrationChecksOrMaintenanceChanged() throws Exception {
    registry.apply(
        new RegisterInstance(
            instance("w-1", "web"),
            List.of(ttlCheck("w-1:ttl", "w-1", HealthStatus.PASSING)),
            false));
    registry.apply(RegisterInstance.of(instance("w-2", "web")));
    registry.apply(RegisterInstance.of(instance("w-3", "web")));
    List<ChangeEvent> events = new CopyOnWriteArrayList<>();
    try (Subscription sub = registry.subscribe(events::add)) {
      long from = sub.startSnapshot().index();
      registry.apply(new UpdateCheck("w-1:ttl", HealthStatus.CRITICAL, "down"));
      registry.apply(SetMaintenance.enable("w-2", "upgrade"));
      registry.apply(new DeregisterInstance("w-3"));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !events.isEmpty() && events.getLast().toIndex() == from + 3);
    }
    assertThat(events.stream().flatMap(e -> e.instances().stream()))
        .containsExactlyInAnyOrder("w-1", "w-2", "w-3");
    assertThat(events.stream().flatMap(e -> e.services().stream())).containsOnly("web");
    // A merged event (a subscriber that fell behind) names them all.
    ChangeEventMerger merger = new ChangeEventMerger(events.getFirst());
    events.stream().skip(1).forEach(merger::add);
    assertThat(merger.result().instances()).containsExactlyInAnyOrder("w-1", "w-2", "w-3");
  }

  @Test
  void aSubscriptionDoesNotKeepTheSnapshotsItHasPassed() throws Exception {
    // Events carry their snapshot: keep only the index, as a long-lived subscriber would.
    java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
    try (Subscription sub = registry.subscribe(e -> seen.set(e.toIndex()))) {
      registry.apply(RegisterInstance.of(instance("a-1", "alpha")));
      java.lang.ref.WeakReference<RegistrySnapshot> passed =
          new java.lang.ref.WeakReference<>(registry.snapshot());
      for (int i = 2; i <= 50; i++) {
        registry.apply(RegisterInstance.of(instance("a-" + i, "alpha")));
      }
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> seen.get() == 51);
      // Only the subscription could still hold the snapshot at index 2 (through the chain of
      // publications after its start): once it has moved on, the snapshot must be collectable.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                System.gc();
                return passed.get() == null;
              });
      assertThat(sub.startSnapshot().index()).isZero();
    }
  }

  @Test
  void closingUnderLoadAnswersEveryCommandAndReturns() throws Exception {
    List<CompletableFuture<CommandResult>> futures = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      futures.add(registry.submit(RegisterInstance.of(instance("c-" + i, "web"))));
    }
    Thread closer = Thread.ofPlatform().start(registry::close);
    closer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(closer.isAlive()).as("close() returned").isFalse();
    long applied = 0;
    for (CompletableFuture<CommandResult> f : futures) {
      assertThat(f).succeedsWithin(Duration.ofSeconds(5));
      applied++;
    }
    assertThat(applied).isEqualTo(5000);
    assertThat(store.load().lastIndex()).isEqualTo(5001);
  }

  @Test
  void closedRegistryRefusesCommands() {
    registry.close();
    assertThatThrownBy(() -> registry.apply(RegisterInstance.of(instance("web-1", "web"))))
        .isInstanceOf(RegistryClosedException.class);
  }
}
