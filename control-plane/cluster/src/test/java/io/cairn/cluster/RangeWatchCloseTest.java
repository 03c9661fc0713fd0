package io.cairn.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Closing a watch while jetcd reports its error: jetcd calls the listener's onError holding its
 * watch client's lock, and a watcher's close takes the same lock. A close that held the watch's own
 * lock while closing the watcher deadlocked against it (a replica's shutdown hung when etcd went
 * away at the same moment, in {@code ClusterShutdownIT}).
 */
class RangeWatchCloseTest {

  /** A watch client that locks as jetcd's {@code WatchImpl} does. */
  private static final class LockingWatch implements Watch {
    final Object lock = new Object();
    final List<Watch.Listener> listeners = new ArrayList<>();

    @Override
    public Watcher watch(ByteSequence key, WatchOption option, Listener listener) {
      synchronized (lock) {
        listeners.add(listener);
      }
      return new Watcher() {
        @Override
        public void close() {
          synchronized (lock) {
            listeners.remove(listener);
          }
        }

        @Override
        public boolean isClosed() {
          synchronized (lock) {
            return !listeners.contains(listener);
          }
        }

        @Override
        public void requestProgress() {}
      };
    }

    @Override
    public void requestProgress() {}

    @Override
    public void close() {}
  }

  @Test
  void closingWhileJetcdReportsAnErrorDoesNotDeadlock() throws Exception {
    LockingWatch watch = new LockingWatch();
    Client client =
        (Client)
            Proxy.newProxyInstance(
                Client.class.getClassLoader(),
                new Class<?>[] {Client.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getWatchClient")) {
                    return watch;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    List<Throwable> lost = new ArrayList<>();
    RangeWatch range =
        new RangeWatch(
            client,
            ByteSequence.from("a", StandardCharsets.UTF_8),
            ByteSequence.from("b", StandardCharsets.UTF_8),
            1,
            new RangeWatch.Handler() {
              @Override
              public void onEvents(List<WatchEvent> events) {}

              @Override
              public long onCompacted() {
                return 1;
              }

              @Override
              public void onLost(Throwable error) {
                lost.add(error);
              }
            },
            "test");
    assertThat(watch.listeners).hasSize(1);

    Thread closer = Thread.ofPlatform().daemon().unstarted(range::close);
    Thread reporter =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  // As jetcd's handleError: the listener is called with the client's lock held.
                  synchronized (watch.lock) {
                    closer.start();
                    awaitBlocked(closer);
                    watch.listeners.getFirst().onError(new RuntimeException("etcd went away"));
                  }
                });
    reporter.join(TimeUnit.SECONDS.toMillis(20));
    closer.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(reporter.isAlive()).as("jetcd's error report finished").isFalse();
    assertThat(closer.isAlive()).as("close finished").isFalse();
    assertThat(watch.listeners).as("the watcher was closed").isEmpty();
    assertThat(lost).as("a closed watch reports no loss").isEmpty();
  }

  /** Waits until {@code thread} waits for a lock (close reached the client's lock). */
  private static void awaitBlocked(Thread thread) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (thread.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }
}
