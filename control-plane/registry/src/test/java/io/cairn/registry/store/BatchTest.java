package io.cairn.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {
  private static Mutation put(String key, long index) {
    return new Mutation.Put(new StoredRecord("t", key, 1, index, new byte[] {(byte) index}));
  }

  @Test
  void mergeKeepsTheLastMutationOfEachRecord() {
    Batch merged =
        Batch.merge(
            List.of(
                new Batch(1, List.of(put("a", 1), put("b", 1))),
                new Batch(2, List.of(new Mutation.Delete("t", "a"), put("c", 2))),
                new Batch(3, List.of(put("b", 3)))));

    assertThat(merged.index()).isEqualTo(3);
    assertThat(merged.mutations())
        .containsExactly(new Mutation.Delete("t", "a"), put("c", 2), put("b", 3));
  }

  @Test
  void mergeNeedsIndexOrder() {
    assertThatThrownBy(() -> Batch.merge(List.of(new Batch(2, List.of()), new Batch(1, List.of()))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
