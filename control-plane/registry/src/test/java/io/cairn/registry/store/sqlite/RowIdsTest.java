package io.cairn.registry.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowIdsTest {
  @Test
  void agreesWithAHashMapThroughGrowthRemovalsAndShrinking() {
    Random random = new Random(21);
    RowIds rows = new RowIds();
    Map<String, Long> expected = new HashMap<>();
    for (int op = 0; op < 200_000; op++) {
      // Grow to a few thousand keys, then mostly remove, so the table resizes both ways.
      int range = op < 100_000 ? 5_000 : 500;
      String key = "inst-" + random.nextInt(range);
      if (op >= 100_000 || random.nextInt(4) == 0) {
        rows.remove(key);
        expected.remove(key);
      } else {
        long row = random.nextLong();
        assertThat(rows.put(key, row)).isEqualTo(expected.put(key, row) != null);
      }
      if (op % 997 == 0) {
        assertThat(rows.size()).isEqualTo(expected.size());
      }
    }
    assertThat(rows.size()).isEqualTo(expected.size());
    for (int i = 0; i < 5_000; i++) {
      String key = "inst-" + i;
      Long want = expected.get(key);
      assertThat(rows.row(key))
          .isEqualTo(want == null ? OptionalLong.empty() : OptionalLong.of(want));
    }
    rows.clear();
    assertThat(rows.size()).isZero();
    assertThat(rows.row("inst-1")).isEmpty();
  }
}
