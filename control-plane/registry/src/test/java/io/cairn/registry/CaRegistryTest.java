package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaRoot;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.PutCa;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CA's state: set up once, replaced with check-and-set, restored and replicated. */
class CaRegistryTest {
  private final InMemoryStore store = new InMemoryStore();
  private final List<Registry> open = new ArrayList<>();
  private final Registry registry = open(store);

  private Registry open(InMemoryStore s) {
    Registry r = Registry.open(s, new SimpleMeterRegistry());
    open.add(r);
    return r;
  }

  @AfterEach
  void close() {
    open.forEach(Registry::close);
  }

  /** The registry stores PEM as text; the certificates themselves are the CA module's. */
  static CaSetup setup(String... rootIds) {
    List<CaRoot> roots = new ArrayList<>();
    for (String id : rootIds) {
      roots.add(
          new CaRoot(
              id,
              "root " + id,
              7,
              "aa:bb",
              1_000,
              2_000,
              "CERT " + id,
              List.of(),
              "ec",
              256,
              "KEY " + id));
    }
    return new CaSetup("td.consul", CaConfiguration.DEFAULT, rootIds[rootIds.length - 1], roots);
  }

  @Test
  void theFirstSetupWinsAndALaterOneNeedsTheCurrentIndex() {
    CommandResult first = registry.apply(new PutCa(setup("r1"), OptionalLong.of(0)));
    assertThat(first.applied()).isTrue();
    CommandResult second = registry.apply(new PutCa(setup("r2"), OptionalLong.of(0)));
    assertThat(second.outcome()).isEqualTo(CommandResult.Outcome.CAS_FAILED);
    CommandResult rotated =
        registry.apply(new PutCa(setup("r1", "r2"), OptionalLong.of(first.index())));
    assertThat(rotated.applied()).isTrue();
    var ca = registry.snapshot().ca().orElseThrow();
    assertThat(ca.value().activeRootId()).isEqualTo("r2");
    assertThat(ca.createIndex()).isEqualTo(first.index());
    assertThat(ca.modifyIndex()).isEqualTo(rotated.index());
    assertThat(ca.value().roots().getFirst().toString()).doesNotContain("KEY");
  }

  @Test
  void aRestartRestoresTheCaWithItsKeys() {
    registry.apply(new PutCa(setup("r1", "r2"), OptionalLong.of(0)));
    var before = registry.snapshot().ca().orElseThrow();
    registry.close();
    assertThat(open(store).snapshot().ca()).hasValue(before);
  }

  @Test
  void replicasShareOneCa() {
    InMemorySharedStore.Server server = new InMemorySharedStore.Server();
    Registry a = Registry.replicated(server.connect(127), new SimpleMeterRegistry());
    Registry b = Registry.replicated(server.connect(127), new SimpleMeterRegistry());
    open.add(a);
    open.add(b);
    CommandResult put = a.apply(new PutCa(setup("r1"), OptionalLong.of(0)));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.snapshot().index() >= put.index());
    assertThat(b.snapshot().ca()).isEqualTo(a.snapshot().ca());
    assertThat(b.apply(new PutCa(setup("r9"), OptionalLong.of(0))).outcome())
        .isEqualTo(CommandResult.Outcome.CAS_FAILED);
  }
}
