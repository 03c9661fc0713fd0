package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.CommandResult.Outcome;
import io.cairn.registry.command.KvDelete;
import io.cairn.registry.command.KvSet;
import io.cairn.registry.command.KvTxn;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.kv.KvOp;
import io.cairn.registry.kv.KvResult;
import io.cairn.registry.model.Indexed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Consul's KV semantics on the registry: writes, check-and-set, deletes, transactions, indexes. */
class KvRegistryTest {
  @RegisterExtension final OpenRegistries registries = new OpenRegistries();
  private final InMemoryStore store = new InMemoryStore();
  private final Registry registry = registries.open(store);

  private static KvEntry entry(String key, String value) {
    return new KvEntry(key, 0, value.getBytes(StandardCharsets.UTF_8));
  }

  private CommandResult set(String key, String value) {
    return registry.apply(new KvSet(entry(key, value), OptionalLong.empty()));
  }

  private static String text(Indexed<KvEntry> e) {
    return new String(e.value().value(), StandardCharsets.UTF_8);
  }

  @Test
  void everyWriteMovesTheModifyIndexAndKeepsTheCreateIndex() {
    CommandResult first = set("app/db", "a");
    CommandResult same = set("app/db", "a");
    assertThat(same.applied()).as("Consul writes even an equal value").isTrue();
    Indexed<KvEntry> e = registry.snapshot().kv().entry("app/db").orElseThrow();
    assertThat(e.createIndex()).isEqualTo(first.index());
    assertThat(e.modifyIndex()).isEqualTo(same.index()).isGreaterThan(first.index());
    assertThat(registry.snapshot().kv().keyIndex("app/db")).isEqualTo(same.index());
    assertThat(registry.snapshot().kv().keyIndex("missing")).isEqualTo(same.index());
  }

  @Test
  void checkAndSetFollowsConsul() {
    KvEntry v1 = entry("k", "1");
    assertThat(registry.apply(new KvSet(v1, OptionalLong.of(5))).outcome())
        .as("cas N on an absent key")
        .isEqualTo(Outcome.CAS_FAILED);
    CommandResult created = registry.apply(new KvSet(v1, OptionalLong.of(0)));
    assertThat(created.applied()).isTrue();
    assertThat(registry.apply(new KvSet(entry("k", "2"), OptionalLong.of(0))).outcome())
        .as("cas 0 on a present key")
        .isEqualTo(Outcome.CAS_FAILED);
    assertThat(
            registry.apply(new KvSet(entry("k", "2"), OptionalLong.of(created.index()))).applied())
        .isTrue();
    assertThat(
            registry.apply(new KvSet(entry("k", "3"), OptionalLong.of(created.index()))).outcome())
        .as("a stale index")
        .isEqualTo(Outcome.CAS_FAILED);
    assertThat(text(registry.snapshot().kv().entry("k").orElseThrow())).isEqualTo("2");

    long at = registry.snapshot().kv().entry("k").orElseThrow().modifyIndex();
    assertThat(registry.apply(new KvDelete("k", false, OptionalLong.of(at - 1))).outcome())
        .isEqualTo(Outcome.CAS_FAILED);
    assertThat(registry.apply(new KvDelete("k", false, OptionalLong.of(at))).applied()).isTrue();
    assertThat(registry.apply(new KvDelete("k", false, OptionalLong.of(at))).outcome())
        .as("deleting an absent key with cas succeeds, as in Consul")
        .isNotEqualTo(Outcome.CAS_FAILED);
  }

  @Test
  void recursiveDeleteTakesThePrefixOnlyAndMovesThePrefixIndex() {
    set("app/a", "1");
    set("app/b/c", "2");
    set("apple", "3");
    long before = registry.snapshot().kv().prefixIndex("app/");
    CommandResult deleted = registry.apply(new KvDelete("app/", true, OptionalLong.empty()));
    assertThat(registry.snapshot().kv().under("app/")).isEmpty();
    assertThat(registry.snapshot().kv().entry("apple")).isPresent();
    assertThat(registry.snapshot().kv().prefixIndex("app/"))
        .as("a prefix whose keys are gone still reports the change")
        .isEqualTo(deleted.index())
        .isGreaterThan(before);
  }

  @Test
  void aTransactionAppliesAllOrNothing() {
    CommandResult base = set("cfg/a", "1");
    CommandResult ok =
        registry.apply(
            new KvTxn(
                List.of(
                    new KvOp.Cas(entry("cfg/a", "2"), base.index()),
                    new KvOp.Set(entry("cfg/b", "x")),
                    new KvOp.Get("cfg/a"),
                    new KvOp.GetTree("cfg/"))));
    assertThat(ok.applied()).isTrue();
    List<KvResult> results = ok.entries();
    assertThat(results).hasSize(5);
    assertThat(results.get(0).withValue()).isFalse();
    assertThat(results.get(0).entry().modifyIndex()).isEqualTo(ok.index());
    assertThat(text(results.get(2).entry())).as("a read sees the earlier write").isEqualTo("2");
    assertThat(results.subList(3, 5))
        .extracting(r -> r.entry().value().key())
        .containsExactly("cfg/a", "cfg/b");

    long index = registry.snapshot().index();
    assertThatThrownBy(
            () ->
                registry.apply(
                    new KvTxn(
                        List.of(
                            new KvOp.Set(entry("cfg/c", "new")),
                            new KvOp.Delete("cfg/a"),
                            new KvOp.CheckIndex("cfg/b", 1),
                            new KvOp.Get("nope")))))
        .isInstanceOfSatisfying(
            TxnFailedException.class,
            e ->
                assertThat(e.errors())
                    .extracting(TxnFailedException.TxnError::opIndex)
                    .containsExactly(2, 3));
    assertThat(registry.snapshot().index()).as("nothing applied").isEqualTo(index);
    assertThat(registry.snapshot().kv().entry("cfg/c")).isEmpty();
    assertThat(registry.snapshot().kv().entry("cfg/a")).isPresent();
  }

  @Test
  void aRestartRestoresEntriesAndKvIndexes() {
    set("a", "1");
    set("b", "2");
    CommandResult del = registry.apply(new KvDelete("b", false, OptionalLong.empty()));
    RegistrySnapshot before = registry.snapshot();
    registry.close();
    Registry again = registries.open(store);
    RegistrySnapshot after = again.snapshot();
    assertThat(after.kv().entries()).isEqualTo(before.kv().entries());
    assertThat(after.kv().index()).isEqualTo(before.kv().index()).isEqualTo(del.index());
    assertThat(after.kv().deleteIndex()).isEqualTo(del.index());
    assertThat(after.kv().prefixIndex("b")).isEqualTo(before.kv().prefixIndex("b"));
  }

  @Test
  void replicasAgreeOnEntriesAndIndexes() {
    InMemorySharedStore.Server server = new InMemorySharedStore.Server();
    Registry a = registries.replica(server);
    Registry b = registries.replica(server);
    List<CompletableFuture<CommandResult>> writes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Registry r = i % 2 == 0 ? a : b;
      writes.add(r.submit(new KvSet(entry("k/" + (i % 50), "v" + i), OptionalLong.empty())));
    }
    writes.add(a.submit(new KvDelete("k/1", false, OptionalLong.empty())));
    CommandResult txn =
        b.apply(new KvTxn(List.of(new KvOp.Set(entry("t", "x")), new KvOp.Get("t"))));
    long last =
        Math.max(txn.index(), writes.stream().mapToLong(f -> f.join().index()).max().orElse(0));
    await().atMost(Duration.ofSeconds(10)).until(() -> a.snapshot().index() >= last);
    await().atMost(Duration.ofSeconds(10)).until(() -> b.snapshot().index() >= last);
    assertThat(a.snapshot().kv()).isEqualTo(b.snapshot().kv());
    // A transaction's results carry the commit's index, the one every replica stores.
    Indexed<KvEntry> stored = a.snapshot().kv().entry("t").orElseThrow();
    assertThat(txn.entries().get(0).entry().modifyIndex())
        .isEqualTo(stored.modifyIndex())
        .isEqualTo(txn.index());
    assertThat(txn.entries().get(1).entry()).isEqualTo(stored);
  }
}
