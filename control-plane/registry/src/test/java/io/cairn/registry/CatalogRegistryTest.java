package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.command.CatalogDeregister;
import io.cairn.registry.command.CatalogRegister;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.validation.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nodes other than Cairn's, registered through the catalog: services, checks, indexes, restore. */
class CatalogRegistryTest {
  @RegisterExtension final OpenRegistries registries = new OpenRegistries();
  private final InMemoryStore store = new InMemoryStore();
  private final Registry registry = registries.open(store);

  static CatalogNode node(String name, String address) {
    return new CatalogNode(name, "", address, Map.of(), Map.of("rack", "r1"));
  }

  static NodeService service(String node, String id, String name, int port) {
    return new NodeService(
        node, ServiceInstance.builder(id, name).address("10.9.9.9").port(port).build(), true);
  }

  static NodeCheck check(String node, String id, String serviceId, HealthStatus status) {
    return new NodeCheck(node, id, id, serviceId, status, "", "");
  }

  private CommandResult register(
      CatalogNode node, Optional<NodeService> service, NodeCheck... checks) {
    return registry.apply(new CatalogRegister(node, false, service, List.of(checks)));
  }

  @Test
  void aServiceIdIsUniquePerNodeAndChecksCountForTheirService() {
    register(
        node("db-1", "10.1.0.1"),
        Optional.of(service("db-1", "db", "db", 5432)),
        check("db-1", "alive", "", HealthStatus.PASSING),
        check("db-1", "sql", "db", HealthStatus.CRITICAL));
    register(
        node("db-2", "10.1.0.2"),
        Optional.of(service("db-2", "db", "db", 5432)),
        check("db-2", "sql", "db", HealthStatus.PASSING));

    var catalog = registry.snapshot().catalog();
    assertThat(catalog.health("db"))
        .extracting(h -> h.node().value().name(), h -> h.status(), h -> h.address())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("db-1", HealthStatus.CRITICAL, "10.1.0.1"),
            org.assertj.core.groups.Tuple.tuple("db-2", HealthStatus.PASSING, "10.1.0.2"));
    assertThat(catalog.health("db").getFirst().checks())
        .extracting(c -> c.value().id())
        .containsExactly("alive", "sql");
  }

  @Test
  void anUnchangedRegistrationKeepsItsIndexesAndAChangeMovesTheServiceIndex() {
    CommandResult first =
        register(node("db-1", "10.1.0.1"), Optional.of(service("db-1", "db", "db", 5432)));
    assertThat(first.applied()).isTrue();
    assertThat(registry.snapshot().serviceIndex("db")).isEqualTo(first.index());

    CommandResult same =
        register(node("db-1", "10.1.0.1"), Optional.of(service("db-1", "db", "db", 5432)));
    assertThat(same.outcome()).isEqualTo(CommandResult.Outcome.UNCHANGED);

    // The node's new address is where its services without their own address are reached.
    CommandResult moved = register(node("db-1", "10.1.0.7"), Optional.empty());
    assertThat(registry.snapshot().serviceIndex("db")).isEqualTo(moved.index());
    assertThat(registry.snapshot().catalog().health("db").getFirst().address())
        .isEqualTo("10.1.0.7");
    assertThat(registry.snapshot().catalog().service("db-1", "db").orElseThrow().createIndex())
        .isEqualTo(first.index());

    // A node check moves the index of every service on the node.
    CommandResult down =
        register(
            node("db-1", "10.1.0.7"),
            Optional.empty(),
            check("db-1", "alive", "", HealthStatus.CRITICAL));
    assertThat(registry.snapshot().serviceIndex("db")).isEqualTo(down.index());
    assertThat(registry.snapshot().tableIndexes().health()).isEqualTo(down.index());
  }

  @Test
  void skipNodeUpdateKeepsTheStoredNode() {
    register(node("db-1", "10.1.0.1"), Optional.empty());
    registry.apply(
        new CatalogRegister(
            node("db-1", "10.1.0.2"),
            true,
            Optional.of(service("db-1", "db", "db", 1)),
            List.of()));
    assertThat(registry.snapshot().catalog().node("db-1").orElseThrow().value().address())
        .isEqualTo("10.1.0.1");
    assertThat(registry.snapshot().catalog().service("db-1", "db")).isPresent();
  }

  @Test
  void aCheckOfAServiceNotOnTheNodeIsRefusedAndNothingOfTheRegistrationStays() {
    assertThatThrownBy(
            () ->
                register(
                    node("db-1", "10.1.0.1"),
                    Optional.empty(),
                    check("db-1", "sql", "nope", HealthStatus.PASSING)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Missing service registration");
    assertThat(registry.snapshot().catalog().node("db-1")).isEmpty();
  }

  @Test
  void deregisteringRemovesWhatHangsFromIt() {
    register(
        node("db-1", "10.1.0.1"),
        Optional.of(service("db-1", "db", "db", 5432)),
        check("db-1", "alive", "", HealthStatus.PASSING),
        check("db-1", "sql", "db", HealthStatus.PASSING));
    register(node("db-1", "10.1.0.1"), Optional.of(service("db-1", "cache", "cache", 6379)));

    CommandResult gone =
        registry.apply(new CatalogDeregister("db-1", Optional.of("db"), Optional.empty()));
    var catalog = registry.snapshot().catalog();
    assertThat(catalog.service("db-1", "db")).isEmpty();
    assertThat(catalog.check("db-1", "sql")).isEmpty();
    assertThat(catalog.check("db-1", "alive")).isPresent();
    assertThat(registry.snapshot().serviceIndex("db")).isEqualTo(gone.index());

    registry.apply(new CatalogDeregister("db-1", Optional.empty(), Optional.empty()));
    catalog = registry.snapshot().catalog();
    assertThat(catalog.nodes()).isEmpty();
    assertThat(catalog.services()).isEmpty();
    assertThat(catalog.checks()).isEmpty();
    assertThat(catalog.serviceNames()).isEmpty();

    CommandResult again =
        registry.apply(new CatalogDeregister("db-1", Optional.empty(), Optional.empty()));
    assertThat(again.outcome()).isEqualTo(CommandResult.Outcome.UNCHANGED);
  }

  @Test
  void aRestartRestoresNodesServicesChecksAndIndexes() {
    register(
        node("db-1", "10.1.0.1"),
        Optional.of(service("db-1", "db", "db", 5432)),
        check("db-1", "alive", "", HealthStatus.WARNING));
    register(node("db-2", "10.1.0.2"), Optional.of(service("db-2", "db", "db", 5432)));
    registry.apply(new CatalogDeregister("db-2", Optional.empty(), Optional.empty()));
    RegistrySnapshot before = registry.snapshot();
    registry.close();

    RegistrySnapshot after = registries.open(store).snapshot();
    assertThat(after.catalog()).isEqualTo(before.catalog());
    assertThat(after.serviceIndex("db")).isEqualTo(before.serviceIndex("db"));
    assertThat(after.tableIndexes()).isEqualTo(before.tableIndexes());
  }

  @Test
  void replicasAgreeOnNodesAndIndexes() {
    InMemorySharedStore.Server server = new InMemorySharedStore.Server();
    Registry a = registries.replica(server);
    Registry b = registries.replica(server);
    a.apply(
        new CatalogRegister(
            node("db-1", "10.1.0.1"),
            false,
            Optional.of(service("db-1", "db", "db", 5432)),
            List.of(check("db-1", "sql", "db", HealthStatus.PASSING))));
    b.apply(
        new CatalogRegister(
            node("db-2", "10.1.0.2"),
            false,
            Optional.of(service("db-2", "db", "db", 5432)),
            List.of(check("db-2", "alive", "", HealthStatus.CRITICAL))));
    CommandResult last =
        a.apply(new CatalogDeregister("db-1", Optional.of("db"), Optional.empty()));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a.snapshot().index() >= last.index() && b.snapshot().index() >= last.index());
    assertThat(b.snapshot().catalog()).isEqualTo(a.snapshot().catalog());
    assertThat(b.snapshot().serviceIndex("db")).isEqualTo(a.snapshot().serviceIndex("db"));
    assertThat(b.snapshot().tableIndexes()).isEqualTo(a.snapshot().tableIndexes());
    assertThat(a.snapshot().catalog().health("db"))
        .extracting(h -> h.node().value().name())
        .containsExactly("db-2");
  }
}
