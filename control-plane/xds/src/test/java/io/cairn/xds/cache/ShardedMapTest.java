package io.cairn.xds.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardedMapTest {
  @Test
  void behavesLikeAMapAndLeavesEarlierVersionsUntouched() {
    Random random = new Random(7);
    Map<String, Integer> model = new HashMap<>();
    ShardedMap<Integer> map = ShardedMap.empty();
    for (int round = 0; round < 200; round++) {
      Map<String, Integer> puts = new HashMap<>();
      Set<String> removes = new java.util.HashSet<>();
      for (int i = 0; i < 20; i++) {
        String key = "k" + random.nextInt(300);
        if (random.nextBoolean()) {
          puts.put(key, round);
        } else if (!puts.containsKey(key)) {
          removes.add(key);
        }
      }
      Map<String, Integer> before = Map.copyOf(model);
      ShardedMap<Integer> previous = map;
      map = map.with(puts, removes);
      removes.forEach(model::remove);
      model.putAll(puts);
      assertThat(map).isEqualTo(model);
      assertThat(map.size()).isEqualTo(model.size());
      assertThat(previous).as("the earlier version").isEqualTo(before);
    }
    assertThat(map.with(Map.of(), List.of())).isSameAs(map);
    assertThat(map.get("absent")).isNull();
  }
}
