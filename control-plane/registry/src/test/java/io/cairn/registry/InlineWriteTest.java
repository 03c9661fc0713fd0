package io.cairn.registry;

import static io.cairn.registry.Fixtures.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.store.Batch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A lone write runs on its caller's thread when the writer is idle; everything else still goes
 * through the applier and the committer, and neither loses or reorders what the other wrote.
 */
class InlineWriteTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void aLoneWriteIsCommittedOnTheCallersThread() {
    ThreadRecordingStore store = new ThreadRecordingStore(new InMemoryStore());
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Registry registry = Registry.open(store, meters)) {
      CommandResult result = registry.apply(RegisterInstance.of(instance("web-1", "web")));

      assertThat(store.committers).containsExactly(Thread.currentThread().getName());
      assertThat(registry.snapshot().instance("web-1").orElseThrow().modifyIndex())
          .isEqualTo(result.index());
      assertThat(meters.counter("cairn.registry.inline.commands").count()).isEqualTo(1);
      assertThat(meters.timer("cairn.store.commit").count()).as("commit timer").isEqualTo(1);
      assertThat(meters.summary("cairn.registry.batch.commands").count()).isEqualTo(1);

      // submit() does not wait, so it does not write on the caller's thread.
      registry.submit(RegisterInstance.of(instance("web-2", "web"))).join();
      assertThat(store.committers.getLast()).isEqualTo("registry-committer");
      assertThat(meters.counter("cairn.registry.inline.commands").count()).isEqualTo(1);
    }
  }

  @Test
  void aRejectedOrReadOnlyInlineCommandWritesNothing() {
    InMemoryStore store = new InMemoryStore();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Registry registry = Registry.open(store, meters)) {
      registry.apply(RegisterInstance.of(instance("web-1", "web")));
      assertThatThrownBy(
              () -> registry.apply(new UpdateCheck("no-such-check", HealthStatus.PASSING, "")))
          .isInstanceOf(NotFoundException.class);
      assertThat(store.commitCount()).isEqualTo(1);
      assertThat(registry.apply(RegisterInstance.of(instance("web-2", "web"))).index())
          .isEqualTo(3);
      assertThat(meters.counter("cairn.registry.inline.commands").count()).isEqualTo(3);
      assertThat(store.misuses()).isEmpty();
    }
  }

  /**
   * A write waiting in the store holds the turn: writers arriving meanwhile queue, and the applier
   * applies them together, on top of that write, once it is published.
   */
  @Test
  void writersArrivingDuringAnInlineCommitAreCommittedTogetherAfterIt() throws Exception {
    InMemoryStore store = new InMemoryStore();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Registry registry = Registry.open(store, meters)) {
      CountDownLatch held = store.holdCommits();
      Thread lone = Thread.ofPlatform().start(() -> apply(registry, "lone"));
      await()
          .atMost(DEADLINE)
          .until(() -> meters.counter("cairn.registry.inline.commands").count() == 1);
      List<Thread> burst = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 16; i++) {
        String id = "burst-" + i;
        burst.add(Thread.ofPlatform().start(() -> apply(registry, id)));
      }
      await().atMost(DEADLINE).until(() -> queueDepth(meters) == 16);
      held.countDown();
      lone.join();
      for (Thread t : burst) {
        t.join();
      }

      RegistrySnapshot served = registry.snapshot();
      assertThat(served.instance("lone").orElseThrow().modifyIndex()).isEqualTo(2);
      assertThat(served.instanceCount()).isEqualTo(17);
      assertThat(served.index()).isEqualTo(18);
      assertThat(store.commitCount()).as("one inline commit, then group commits").isLessThan(17);
      assertThat(meters.summary("cairn.registry.batch.commands").max()).isGreaterThan(1);
      assertThat(meters.counter("cairn.registry.inline.commands").count()).isEqualTo(1);
      assertThat(store.misuses()).isEmpty();
    }
    try (Registry restored = Registry.open(store, new SimpleMeterRegistry())) {
      assertThat(restored.snapshot().index()).isEqualTo(18);
      assertThat(restored.snapshot().instanceCount()).isEqualTo(17);
    }
  }

  /** The applier's last batch is not kept alive while callers write inline after it. */
  @Test
  void anIdleApplierLetsGoOfItsLastSnapshot() {
    try (Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry())) {
      registry.submit(RegisterInstance.of(instance("queued", "web"))).join();
      WeakReference<RegistrySnapshot> queued = new WeakReference<>(registry.snapshot());
      apply(registry, "inline");
      await()
          .atMost(DEADLINE)
          .until(
              () -> {
                System.gc();
                return queued.get() == null;
              });
    }
  }

  /** Sporadic lone writers and bursts of many: nothing acknowledged is lost or reindexed. */
  @Test
  void loneWritersAndBurstsKeepEveryAcknowledgedWrite() throws Exception {
    InMemoryStore store = new InMemoryStore();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Map<String, Long> acked;
    RegistrySnapshot served;
    try (Registry registry = Registry.open(store, meters)) {
      acked = MixedWriters.run(registry, 12, 24);
      served = registry.snapshot();
      MixedWriters.assertServed(served, acked);
      assertThat(meters.counter("cairn.registry.inline.commands").count())
          .as("lone writes inline")
          .isPositive();
      assertThat(meters.summary("cairn.registry.batch.commands").count())
          .as("bursts through the pipeline")
          .isPositive();
    }
    assertThat(store.misuses()).isEmpty();
    try (Registry restored = Registry.open(store, new SimpleMeterRegistry())) {
      MixedWriters.assertRestored(restored.snapshot(), served, acked);
    }
  }

  @Test
  void aFailedInlineCommitClosesWritesUntilTheCommitterReopensTheStore() {
    InMemoryStore store = new InMemoryStore();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Registry registry = Registry.open(store, meters)) {
      registry.apply(RegisterInstance.of(instance("web-1", "web")));
      store.failCommits(true);

      assertThatThrownBy(() -> registry.apply(RegisterInstance.of(instance("web-2", "web"))))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("not applied");
      assertThat(meters.counter("cairn.registry.inline.commands").count()).isEqualTo(2);
      assertThat(registry.writeState()).isInstanceOf(WriteState.Unwritable.class);
      assertThat(registry.snapshot().instance("web-2")).isEmpty();
      int commitsBefore = store.commitCount();
      assertThatThrownBy(() -> registry.apply(RegisterInstance.of(instance("web-3", "web"))))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("refused");
      assertThat(meters.counter("cairn.registry.inline.commands").count())
          .as("refused, not run inline")
          .isEqualTo(2);
      await().atMost(DEADLINE).until(() -> store.recoveryCount() >= 2);
      assertThat(registry.writeState().writable()).as("still failing").isFalse();

      store.failCommits(false);
      await().atMost(DEADLINE).until(() -> registry.writeState().writable());
      assertThat(store.commitCount()).isEqualTo(commitsBefore);
      assertThat(registry.apply(RegisterInstance.of(instance("web-2", "web"))).index())
          .isEqualTo(3);
      assertThat(meters.counter("cairn.registry.inline.commands").count()).isEqualTo(3);
      assertThat(meters.timer("cairn.store.failed.closed").count()).isEqualTo(1);
      assertThat(store.misuses()).isEmpty();
    }
  }

  @Test
  void closeWaitsForAnInlineWriter() throws Exception {
    InMemoryStore store = new InMemoryStore();
    Registry registry = Registry.open(store, new SimpleMeterRegistry());
    CountDownLatch held = store.holdCommits();
    Object[] answer = new Object[1];
    Thread writer =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    answer[0] = registry.apply(RegisterInstance.of(instance("web-1", "web")));
                  } catch (RuntimeException e) {
                    answer[0] = e;
                  }
                });
    await().atMost(DEADLINE).until(() -> writer.getState() == Thread.State.WAITING);
    Thread closer = Thread.ofPlatform().start(registry::close);
    assertThat(closer.join(Duration.ofMillis(300))).as("close waits for the commit").isFalse();
    held.countDown();
    writer.join();
    assertThat(closer.join(DEADLINE)).isTrue();
    assertThat(answer[0]).isInstanceOf(CommandResult.class);
    assertThat(store.commitCount()).isEqualTo(1);
    assertThatThrownBy(() -> registry.apply(RegisterInstance.of(instance("web-2", "web"))))
        .isInstanceOf(RegistryClosedException.class);
    assertThat(store.misuses()).isEmpty();
  }

  private static void apply(Registry registry, String id) {
    registry.apply(RegisterInstance.of(instance(id, "web")));
  }

  private static double queueDepth(SimpleMeterRegistry meters) {
    return meters.get("cairn.registry.queue.depth").gauge().value();
  }

  /** Records the thread of every commit. */
  private static final class ThreadRecordingStore extends ForwardingStore {
    final List<String> committers = new CopyOnWriteArrayList<>();

    ThreadRecordingStore(InMemoryStore store) {
      super(store, "recording threads");
    }

    @Override
    public void commit(Batch batch) {
      committers.add(Thread.currentThread().getName());
      super.commit(batch);
    }
  }
}
