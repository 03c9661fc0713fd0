package io.cairn.registry;

import static io.cairn.registry.Fixtures.instance;
import static io.cairn.registry.Fixtures.ttlCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.PortRange;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.Sidecar;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.validation.ValidationException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A service and its sidecar as one command, with the sidecar's port picked by the writer. */
class SidecarRegistrationTest {
  private static final PortRange RANGE = new PortRange(21000, 21255);

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
  void theServiceAndItsSidecarCommitTogetherAtOneIndex() {
    int commitsBefore = store.commitCount();
    CommandResult result = registry.apply(withSidecar("web-1", RANGE));

    RegistrySnapshot s = registry.snapshot();
    Indexed<ServiceInstance> web = s.instance("web-1").orElseThrow();
    Indexed<ServiceInstance> sidecar = s.instance("web-1-sidecar-proxy").orElseThrow();
    assertThat(web.modifyIndex()).isEqualTo(result.index());
    assertThat(sidecar.modifyIndex()).isEqualTo(result.index());
    assertThat(s.check("web-1-sidecar-proxy:alive").orElseThrow().modifyIndex())
        .isEqualTo(result.index());
    assertThat(sidecar.value().port()).as("the range's first port").isEqualTo(21000);
    assertThat(store.commitCount() - commitsBefore).isEqualTo(1);
    // The batch also carries the blocking-query index records (table "index").
    assertThat(
            store.batches().getLast().mutations().stream()
                .filter(m -> !m.table().equals("index"))
                .map(m -> m.table() + "/" + m.key()))
        .as("instance, sidecar and the sidecar's check in one store batch")
        .containsExactlyInAnyOrder(
            "instance/web-1", "instance/web-1-sidecar-proxy", "check/web-1-sidecar-proxy:alive");
  }

  @Test
  void concurrentRegistrationsNeverShareAPort() throws Exception {
    int registrations = 200;
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<CommandResult>> results = new ArrayList<>();
    try {
      for (int i = 0; i < registrations; i++) {
        RegisterInstance command = withSidecar("app-" + i, RANGE);
        results.add(pool.submit(() -> registry.apply(command)));
      }
      for (Future<CommandResult> r : results) {
        assertThat(r.get(2, TimeUnit.MINUTES).applied()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(sidecarPorts(registry.snapshot()).keySet())
        .containsExactlyElementsOf(IntStream.range(21000, 21000 + registrations).boxed().toList());
    assertThat(sidecarPorts(registry.snapshot()).values()).allSatisfy(n -> assertThat(n).isOne());
  }

  @Test
  void aRejectedSidecarLeavesNeitherItNorItsServiceAndSparesTheRestOfTheBatch() {
    registry.apply(
        new RegisterInstance(
            instance("other", "other"),
            List.of(ttlCheck("taken", "other", HealthStatus.PASSING)),
            false));
    long before = registry.snapshot().index();
    ServiceInstance web = instance("web-1", "web");
    RegisterInstance stealing =
        new RegisterInstance(
            web,
            List.of(),
            false,
            Optional.of(
                Sidecar.onAssignedPort(
                    proxyOf(web, 21000),
                    List.of(ttlCheck("taken", "web-1-sidecar-proxy", HealthStatus.PASSING)),
                    RANGE)));

    CompletableFuture<CommandResult> rejected = registry.submit(stealing);
    CompletableFuture<CommandResult> fine = registry.submit(withSidecar("web-2", RANGE));

    assertThatThrownBy(rejected::join)
        .hasCauseInstanceOf(ValidationException.class)
        .hasMessageContaining("sidecar.checks[0].id")
        .hasMessageContaining("already belongs to instance 'other'");
    assertThat(fine.join().index()).isEqualTo(before + 1);
    RegistrySnapshot s = registry.snapshot();
    assertThat(s.instance("web-1")).isEmpty();
    assertThat(s.instance("web-1-sidecar-proxy")).isEmpty();
    assertThat(s.instance("web-2-sidecar-proxy").orElseThrow().value().port())
        .as("the rejected sidecar's port was never taken")
        .isEqualTo(21000);
  }

  @Test
  void aFullRangeRejectsTheRegistrationAndAFreedPortIsReused() {
    PortRange two = new PortRange(21000, 21001);
    registry.apply(withSidecar("a", two));
    registry.apply(withSidecar("b", two));

    assertThatThrownBy(() -> registry.apply(withSidecar("c", two)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("sidecar.proxy.port")
        .hasMessageContaining("21000-21001");
    assertThat(registry.snapshot().instance("c")).as("nor its service").isEmpty();

    registry.apply(new DeregisterInstance("a-sidecar-proxy"));
    registry.apply(withSidecar("c", two));
    assertThat(port("c-sidecar-proxy")).isEqualTo(21000);
  }

  @Test
  void aSidecarKeepsItsPortAndAGivenPortIsUsedAsGiven() {
    registry.apply(withSidecar("a", RANGE));
    registry.apply(withSidecar("b", RANGE));
    registry.apply(new DeregisterInstance("a-sidecar-proxy"));

    registry.apply(withSidecar("b", RANGE));
    assertThat(port("b-sidecar-proxy")).as("re-registered, not moved down").isEqualTo(21001);

    ServiceInstance given = instance("g", "g");
    registry.apply(
        new RegisterInstance(
            given,
            List.of(),
            false,
            Optional.of(Sidecar.onItsPort(proxyOf(given, 21001), List.of()))));
    assertThat(port("g-sidecar-proxy")).as("even one another sidecar uses").isEqualTo(21001);

    registry.apply(withSidecar("c", RANGE));
    assertThat(port("c-sidecar-proxy")).isEqualTo(21000);
    registry.apply(withSidecar("d", RANGE));
    assertThat(port("d-sidecar-proxy")).isEqualTo(21002);
  }

  @Test
  void portsInUseAreKnownAgainAfterARestart() {
    registry.apply(withSidecar("a", RANGE));
    registry.apply(withSidecar("b", RANGE));
    registry.apply(new DeregisterInstance("a-sidecar-proxy"));
    registry.close();

    registry = Registry.open(store, new SimpleMeterRegistry());
    registry.apply(withSidecar("c", RANGE));
    registry.apply(withSidecar("d", RANGE));

    assertThat(sidecarPorts(registry.snapshot()))
        .containsExactly(Map.entry(21000, 1), Map.entry(21001, 1), Map.entry(21002, 1));
  }

  @Test
  void replicasPickDistinctPortsThroughTheSharedStore() {
    InMemorySharedStore.Server server = new InMemorySharedStore.Server();
    try (Registry a = Registry.replicated(server.connect(127), new SimpleMeterRegistry());
        Registry b = Registry.replicated(server.connect(127), new SimpleMeterRegistry())) {
      List<CompletableFuture<CommandResult>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        results.add((i % 2 == 0 ? a : b).submit(withSidecar("app-" + i, RANGE)));
      }
      long last = results.stream().mapToLong(r -> r.join().index()).max().orElseThrow();
      await().atMost(Duration.ofSeconds(10)).until(() -> a.snapshot().index() >= last);

      assertThat(sidecarPorts(a.snapshot()).keySet())
          .containsExactlyElementsOf(IntStream.range(21000, 21040).boxed().toList());
      assertThat(sidecarPorts(a.snapshot()).values()).allSatisfy(n -> assertThat(n).isOne());
    }
  }

  @Test
  void theCommandRefusesASidecarThatIsNotOneOrClashesWithItsService() {
    ServiceInstance web = instance("web-1", "web");
    assertThatThrownBy(() -> Sidecar.onItsPort(web, List.of()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("proxy.kind");
    ServiceInstance clash =
        ServiceInstance.builder("web-1", "web-sidecar-proxy")
            .address("10.0.0.1")
            .port(21000)
            .kind(proxyOf(web, 21000).kind())
            .build();
    HealthCheck check = ttlCheck("c", "web-1", HealthStatus.PASSING);
    assertThatThrownBy(
            () ->
                new RegisterInstance(
                    web,
                    List.of(check),
                    false,
                    Optional.of(Sidecar.onItsPort(clash, List.of(check)))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("sidecar.proxy.id")
        .hasMessageContaining("sidecar.checks[0].id");
  }

  private RegisterInstance withSidecar(String id, PortRange range) {
    ServiceInstance service = instance(id, "app");
    HealthCheck alive =
        ttlCheck(id + "-sidecar-proxy:alive", id + "-sidecar-proxy", HealthStatus.PASSING);
    return new RegisterInstance(
        service,
        List.of(),
        false,
        Optional.of(
            Sidecar.onAssignedPort(proxyOf(service, range.first()), List.of(alive), range)));
  }

  /** The sidecar Consul's SidecarService defaults to. */
  private static ServiceInstance proxyOf(ServiceInstance service, int port) {
    return ServiceInstance.builder(
            service.id() + "-sidecar-proxy", service.name() + "-sidecar-proxy")
        .address(service.address())
        .port(port)
        .kind(
            new ConnectProxy(
                service.name(), Optional.of(service.id()), "127.0.0.1", service.port(), List.of()))
        .build();
  }

  private int port(String id) {
    return registry.snapshot().instance(id).orElseThrow().value().port();
  }

  /** How many sidecars use each port. */
  private static Map<Integer, Integer> sidecarPorts(RegistrySnapshot s) {
    Map<Integer, Integer> ports = new TreeMap<>();
    for (Indexed<ServiceInstance> i : s.instances()) {
      if (i.value().proxy().isPresent()) {
        ports.merge(i.value().port(), 1, Integer::sum);
      }
    }
    return ports;
  }
}
