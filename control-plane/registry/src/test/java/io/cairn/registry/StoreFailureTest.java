package io.cairn.registry;

import static io.cairn.registry.Fixtures.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.store.Batch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Writes close while the store fails, reopen when it reads back, and a writer bug stops them. */
class StoreFailureTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void writesAreRefusedUntilTheStoreReadsBackThenTakenAgain() {
    InMemoryStore store = new InMemoryStore();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Registry registry = Registry.open(store, meters)) {
      registry.apply(RegisterInstance.of(instance("web-1", "web")));
      store.failCommits(true);

      assertThatThrownBy(() -> registry.apply(RegisterInstance.of(instance("web-2", "web"))))
          .isInstanceOf(StoreUnavailableException.class);
      assertThat(registry.writeState()).isInstanceOf(WriteState.Unwritable.class);
      // Refused at once, without reaching the failed store.
      int commitsBefore = store.commitCount();
      assertThatThrownBy(() -> registry.apply(RegisterInstance.of(instance("web-3", "web"))))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("refused");
      assertThat(store.commitCount()).isEqualTo(commitsBefore);
      await().atMost(DEADLINE).until(() -> store.recoveryCount() >= 2);
      assertThat(registry.writeState().writable()).as("still failing").isFalse();

      store.failCommits(false);
      await().atMost(DEADLINE).until(() -> registry.writeState().writable());
      assertThat(registry.apply(RegisterInstance.of(instance("web-2", "web"))).index())
          .isEqualTo(3);
      assertThat(registry.snapshot().instance("web-2")).isPresent();
      assertThat(meters.counter("cairn.store.errors").count()).isGreaterThanOrEqualTo(2);
      assertThat(meters.timer("cairn.store.failed.closed").count()).isEqualTo(1);
    }
  }

  /** The failed commit reached the disk after all (its fsync failed after the write): serve it. */
  @Test
  void whatTheStoreReadsBackIsWhatIsServed() {
    InMemoryStore disk = new InMemoryStore();
    RegistryStoreThatFailsAfterWriting store = new RegistryStoreThatFailsAfterWriting(disk);
    try (Registry registry = Registry.open(store, new SimpleMeterRegistry())) {
      registry.apply(RegisterInstance.of(instance("web-1", "web")));
      store.failNext = true;
      assertThatThrownBy(() -> registry.apply(RegisterInstance.of(instance("web-2", "web"))))
          .isInstanceOf(StoreUnavailableException.class);

      await().atMost(DEADLINE).until(() -> registry.writeState().writable());
      assertThat(registry.snapshot().instance("web-2")).as("read back from the store").isPresent();
      assertThat(registry.snapshot().index()).isEqualTo(disk.load().lastIndex());
      assertThat(registry.apply(RegisterInstance.of(instance("web-3", "web"))).index())
          .isEqualTo(4);
    }
  }

  @Test
  void anErrorInTheWriterStopsWritesForGoodAndIsReported() throws Exception {
    InMemoryStore disk = new InMemoryStore();
    RegistryStoreThatFailsAfterWriting store = new RegistryStoreThatFailsAfterWriting(disk);
    try (Registry registry = Registry.open(store, new SimpleMeterRegistry())) {
      registry.apply(RegisterInstance.of(instance("web-1", "web")));
      store.error = true;
      assertThatThrownBy(() -> registry.apply(RegisterInstance.of(instance("web-2", "web"))))
          .isInstanceOf(StoreUnavailableException.class);

      assertThat(registry.writerFailure().get(30, TimeUnit.SECONDS))
          .isInstanceOf(AssertionError.class);
      assertThat(registry.writeState()).isInstanceOf(WriteState.Stopped.class);
      store.error = false;
      assertThatThrownBy(() -> registry.apply(RegisterInstance.of(instance("web-3", "web"))))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("restarted");
      assertThat(registry.snapshot().instance("web-1")).isPresent();
    }
  }

  @Test
  void aNormalCloseIsNotAWriterFailure() {
    Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
    registry.apply(RegisterInstance.of(instance("web-1", "web")));
    registry.close();
    assertThat(registry.writerFailure()).isNotDone();
  }

  /**
   * A store whose commit writes and then fails (as SQLite does when the WAL's fsync fails after the
   * frames were written), or throws an {@link Error}.
   */
  private static final class RegistryStoreThatFailsAfterWriting extends ForwardingStore {
    volatile boolean failNext;
    volatile boolean error;

    RegistryStoreThatFailsAfterWriting(InMemoryStore disk) {
      super(disk, "fails after writing");
    }

    @Override
    public void commit(Batch batch) {
      if (error) {
        throw new AssertionError("a bug (test)");
      }
      super.commit(batch);
      if (failNext) {
        failNext = false;
        throw new StoreException("fsync failed after the write (test)");
      }
    }
  }
}
