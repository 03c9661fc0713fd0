package io.cairn.registry;

import static io.cairn.registry.Fixtures.instance;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.RegisterInstance;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/**
 * Whether a registry answers a writer before it wakes the readers waiting for the write, with the
 * write already readable. Shared by the embedded and the replicated registry's tests.
 */
final class WakeOrder {
  /** How long the writer's callback gives a reader to wake before the answer (none should). */
  private static final Duration GRACE = Duration.ofSeconds(1);

  private WakeOrder() {}

  /**
   * Parks a blocking reader and a subscriber, holds the store ({@code holdCommits}) while a write
   * is submitted, and looks at what the thread answering the writer sees.
   */
  static void assertWriterAnsweredBeforeReadersWake(
      Registry registry, Supplier<CountDownLatch> holdCommits) throws Exception {
    long before = registry.snapshot().index();
    CountDownLatch readerWoken = new CountDownLatch(1);
    List<ChangeEvent> events = new CopyOnWriteArrayList<>();
    // A platform thread: its state shows when it is parked waiting for the next index.
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    registry.awaitIndex(before, Duration.ofMinutes(1));
                    readerWoken.countDown();
                  } catch (InterruptedException e) {
                    // the test is over
                  }
                });
    try (Subscription subscription = registry.subscribe(events::add)) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> reader.getState() == Thread.State.TIMED_WAITING);
      CountDownLatch commits = holdCommits.get();
      CompletableFuture<CommandResult> write =
          registry.submit(RegisterInstance.of(instance("web-1", "web")));
      // Attached while the store holds the commit: runs on the thread that answers the writer.
      CompletableFuture<String> atAnswer = new CompletableFuture<>();
      write.whenComplete(
          (result, failure) -> {
            try {
              boolean woken = readerWoken.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
              atAnswer.complete(
                  "readable: "
                      + (result != null && registry.snapshot().index() >= result.index())
                      + ", reader woken: "
                      + woken
                      + ", events: "
                      + events.size());
            } catch (InterruptedException e) {
              atAnswer.completeExceptionally(e);
            }
          });
      commits.countDown();

      assertThat(atAnswer.get(30, TimeUnit.SECONDS))
          .isEqualTo("readable: true, reader woken: false, events: 0");
      // ...and both are woken right after.
      assertThat(readerWoken.await(10, TimeUnit.SECONDS)).isTrue();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
      assertThat(events.getLast().services()).contains("web");
    } finally {
      reader.interrupt();
      reader.join();
    }
  }
}
