package io.cairn.admin.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.admin.http.Json;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.model.Indexed;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodedEntriesTest {
  private final EncodedEntries encoded = new EncodedEntries();

  private static Indexed<KvEntry> entry(String key, String value, long index) {
    return new Indexed<>(new KvEntry(key, 0, value.getBytes(StandardCharsets.UTF_8)), index, index);
  }

  private static String fresh(List<Indexed<KvEntry>> entries) {
    return new String(
        Json.bytes(entries.stream().map(e -> KvJson.encode(e, true)).toList()),
        StandardCharsets.UTF_8);
  }

  @Test
  void readsOfTheSameEntriesShareOneEncoding() {
    List<Indexed<KvEntry>> entries = List.of(entry("fan/a", "1", 2), entry("fan/b", "2", 3));
    byte[] first = encoded.json("fan/", entries);
    // What another waiter woken by the same write builds: a new list of the same entries.
    byte[] second = encoded.json("fan/", List.copyOf(entries));

    assertThat(second).isSameAs(first);
    assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(fresh(entries));
  }

  @Test
  void aChangedOrFilteredListIsEncodedAfresh() {
    Indexed<KvEntry> a = entry("fan/a", "1", 2);
    Indexed<KvEntry> b = entry("fan/b", "2", 3);
    encoded.json("fan/", List.of(a, b));

    // The same value written again is a new entry (a new ModifyIndex): not the cached JSON.
    List<Indexed<KvEntry>> rewritten = List.of(a, entry("fan/b", "2", 4));
    assertThat(new String(encoded.json("fan/", rewritten), StandardCharsets.UTF_8))
        .isEqualTo(fresh(rewritten))
        .contains("\"ModifyIndex\":4");
    // What a narrower ACL token may read of the same prefix.
    assertThat(new String(encoded.json("fan/", List.of(a)), StandardCharsets.UTF_8))
        .isEqualTo(fresh(List.of(a)));
    assertThat(new String(encoded.json("fan/", List.of()), StandardCharsets.UTF_8)).isEqualTo("[]");
  }

  @Test
  void keysSharingASlotGetTheirOwnEntries() {
    String other = "fan/";
    while (Math.floorMod(other.hashCode(), EncodedEntries.SLOTS)
            != Math.floorMod("fan/".hashCode(), EncodedEntries.SLOTS)
        || other.equals("fan/")) {
      other = other + "x";
    }
    List<Indexed<KvEntry>> fan = List.of(entry("fan/a", "1", 2));
    List<Indexed<KvEntry>> others = List.of(entry(other + "/a", "9", 5));
    for (int round = 0; round < 2; round++) {
      assertThat(new String(encoded.json("fan/", fan), StandardCharsets.UTF_8))
          .isEqualTo(fresh(fan));
      assertThat(new String(encoded.json(other, others), StandardCharsets.UTF_8))
          .isEqualTo(fresh(others));
    }
  }

  @Test
  void answersOverTheSizeLimitAreRightButNotKept() {
    String big = "v".repeat(EncodedEntries.MAX_CACHED_BYTES);
    List<Indexed<KvEntry>> entries = List.of(entry("big/a", big, 2));
    byte[] first = encoded.json("big/", entries);
    byte[] second = encoded.json("big/", entries);

    assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(fresh(entries));
    assertThat(second).isNotSameAs(first).isEqualTo(first);
  }
}
