package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaRoot;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.PutCa;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CA's state: set up once, replaced with check-and-set, restored and replicated. */
class CaRegistryTest {
  @RegisterExtension final OpenRegistries registries = new OpenRegistries();
  private final InMemoryStore store = new InMemoryStore();
  private final Registry registry = registries.open(store);

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
    assertThat(registries.open(store).snapshot().ca()).hasValue(before);
  }

  @Test
  void replicasShareOneCa() {
    InMemorySharedStore.Server server = new InMemorySharedStore.Server();
    Registry a = registries.replica(server);
    Registry b = registries.replica(server);
    CommandResult put = a.apply(new PutCa(setup("r1"), OptionalLong.of(0)));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.snapshot().index() >= put.index());
    assertThat(b.snapshot().ca()).isEqualTo(a.snapshot().ca());
    assertThat(b.apply(new PutCa(setup("r9"), OptionalLong.of(0))).outcome())
        .isEqualTo(CommandResult.Outcome.CAS_FAILED);
  }
}
