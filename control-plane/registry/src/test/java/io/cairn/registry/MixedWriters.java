package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.ServiceInstance;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * Sporadic lone writers (which find the writer idle and write inline) and bursts of many writers at
 * once (which queue for the pipeline), on platform and virtual threads, some waiting with {@code
 * apply} and some with {@code submit}, with a rejected command now and then. Records the index at
 * which each registration was acknowledged.
 */
final class MixedWriters {
  private static final int SERIES = 4;

  private MixedWriters() {}

  /**
   * Runs {@code rounds} rounds of a lone series then a burst of {@code burst} writers, and returns
   * every acknowledged registration's instance id and index.
   */
  static Map<String, Long> run(Registry registry, int rounds, int burst) throws Exception {
    Map<String, Long> acked = new ConcurrentHashMap<>();
    List<String> errors = new CopyOnWriteArrayList<>();
    for (int round = 0; round < rounds; round++) {
      series(registry, "lone-" + round, acked, errors);
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < burst; w++) {
        String prefix = "r" + round + "-w" + w;
        Runnable writer =
            () -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              series(registry, prefix, acked, errors);
            };
        threads.add(
            w % 2 == 0 ? Thread.ofPlatform().start(writer) : Thread.ofVirtual().start(writer));
      }
      start.countDown();
      for (Thread t : threads) {
        t.join();
      }
    }
    assertThat(errors).isEmpty();
    assertThat(acked).hasSize(rounds * (burst + 1) * SERIES);
    return acked;
  }

  /** Writes {@value #SERIES} registrations in a row; their indexes must strictly increase. */
  private static void series(
      Registry registry, String prefix, Map<String, Long> acked, List<String> errors) {
    long last = 0;
    for (int i = 0; i < SERIES; i++) {
      String id = prefix + "-" + i;
      RegisterInstance register = RegisterInstance.of(Fixtures.instance(id, "svc-" + (i % 3)));
      try {
        long index =
            i % 2 == 1
                ? Pending.await(registry.submit(register)).index()
                : registry.apply(register).index();
        if (index <= last) {
          errors.add(id + " acknowledged at index " + index + " after " + last);
        }
        last = index;
        acked.put(id, index);
        if (i == 2) {
          registry.apply(new UpdateCheck(id + "-no-such-check", HealthStatus.PASSING, ""));
          errors.add(id + ": an update of a missing check was accepted");
        }
      } catch (NotFoundException expected) {
        // The rejected command: rolled back alone.
      } catch (RuntimeException e) {
        errors.add(id + ": " + e);
      }
    }
  }

  /** Every acknowledged registration is served, at the index it was acknowledged at. */
  static void assertServed(RegistrySnapshot served, Map<String, Long> acked) {
    assertThat(new HashSet<>(acked.values())).as("one index per write").hasSize(acked.size());
    for (Map.Entry<String, Long> e : acked.entrySet()) {
      Indexed<ServiceInstance> i = served.instance(e.getKey()).orElseThrow();
      assertThat(i.createIndex()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(i.modifyIndex()).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(served.instanceCount()).isEqualTo(acked.size());
    assertThat(served.index()).isEqualTo(acked.values().stream().mapToLong(v -> v).max().orElse(1));
  }

  /** A restore from the same store reads back exactly what was served. */
  static void assertRestored(
      RegistrySnapshot restored, RegistrySnapshot served, Map<String, Long> acked) {
    assertThat(restored.index()).isEqualTo(served.index());
    assertThat(restored.instanceCount()).isEqualTo(served.instanceCount());
    for (String id : acked.keySet()) {
      assertThat(restored.instance(id)).as(id).isEqualTo(served.instance(id));
    }
  }
}
