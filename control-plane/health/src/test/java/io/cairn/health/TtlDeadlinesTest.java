package io.cairn.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.Fixtures;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TtlDeadlinesTest {
  private static ScheduledCheck check(int n) {
    return new ScheduledCheck(
        new Indexed<>(Fixtures.ttlCheck("t" + n, "i" + n, HealthStatus.PASSING), 1, 1),
        HealthMetrics.Kind.TTL,
        "web",
        0);
  }

  @Test
  void yieldsDueChecksEarliestFirstThroughMovesAndRemovals() {
    Random random = new Random(21);
    TtlDeadlines deadlines = new TtlDeadlines();
    List<ScheduledCheck> all = new ArrayList<>();
    Map<ScheduledCheck, Long> expected = new HashMap<>();
    for (int i = 0; i < 2000; i++) {
      all.add(check(i));
    }
    // Deadlines around Long.MAX_VALUE, as nanoTime may be: compared by difference.
    long base = Long.MAX_VALUE - 500_000;
    for (int op = 0; op < 20_000; op++) {
      ScheduledCheck sc = all.get(random.nextInt(all.size()));
      if (random.nextInt(4) == 0) {
        deadlines.remove(sc);
        expected.remove(sc);
      } else {
        long deadline = base + random.nextInt(1_000_000);
        deadlines.put(sc, deadline);
        expected.put(sc, deadline);
      }
    }
    assertThat(deadlines.size()).isEqualTo(expected.size());

    long now = base + 600_000;
    List<ScheduledCheck> due = new ArrayList<>();
    for (Optional<ScheduledCheck> next = deadlines.pollDue(now);
        next.isPresent();
        next = deadlines.pollDue(now)) {
      due.add(next.get());
    }
    List<ScheduledCheck> want =
        expected.entrySet().stream()
            .filter(e -> e.getValue() - now <= 0)
            .sorted(Map.Entry.comparingByValue(Comparator.comparingLong(v -> v - base)))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(due.stream().map(sc -> sc.ttlDeadline).toList())
        .isEqualTo(want.stream().map(expected::get).toList());
    assertThat(due).containsExactlyInAnyOrderElementsOf(want);
    assertThat(deadlines.size()).isEqualTo(expected.size() - want.size());
    assertThat(deadlines.first().orElseThrow().ttlDeadline - now).isPositive();
    assertThat(due).allMatch(sc -> sc.ttlSlot == -1);
  }

  @Test
  void removingEverythingLeavesItEmpty() {
    TtlDeadlines deadlines = new TtlDeadlines();
    List<ScheduledCheck> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      all.add(check(i));
      deadlines.put(all.get(i), 1000 - i);
    }
    all.forEach(deadlines::remove);
    all.forEach(deadlines::remove);
    assertThat(deadlines.size()).isZero();
    assertThat(deadlines.first()).isEmpty();
    assertThat(deadlines.pollDue(Long.MAX_VALUE)).isEmpty();
  }
}
