package io.cairn.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousTest {
  private static final List<String> THREE = List.of("cairn-a", "cairn-b", "cairn-c");

  @Test
  void checksSpreadEvenlyOverReplicas() {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      counts.merge(Rendezvous.owner(THREE, "check-" + i).orElseThrow(), 1, Integer::sum);
    }
    assertThat(counts).hasSize(3);
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
  }

  @Test
  void whenAReplicaLeavesOnlyItsChecksMove() {
    List<String> two = List.of("cairn-a", "cairn-c");
    int moved = 0;
    for (int i = 0; i < 3000; i++) {
      String id = "check-" + i;
      String before = Rendezvous.owner(THREE, id).orElseThrow();
      String after = Rendezvous.owner(two, id).orElseThrow();
      if (!before.equals("cairn-b")) {
        assertThat(after).as(id).isEqualTo(before);
      } else {
        moved++;
      }
    }
    assertThat(moved).isBetween(850, 1150);
  }

  @Test
  void theOwnerDoesNotDependOnMemberOrder() {
    for (int i = 0; i < 200; i++) {
      assertThat(Rendezvous.owner(THREE, "c" + i))
          .isEqualTo(Rendezvous.owner(THREE.reversed(), "c" + i));
    }
    assertThat(Rendezvous.owner(List.of(), "c")).isEmpty();
  }
}
