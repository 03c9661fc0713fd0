package io.cairn.cluster;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where Cairn keeps things in etcd, under one prefix {@code P}:
 *
 * <ul>
 *   <li>{@code P data/<table>/<key>}: registry records, the value as the embedded store keeps it;
 *   <li>{@code P head}: written by every registry commit, so its mod revision is the registry's
 *       last change (the data keys sort before it, so one watch range covers both);
 *   <li>{@code P members/<node>}: one per live replica, under its lease;
 *   <li>{@code P ttl/<check>}: TTL reports for the replica that owns the check, under the reporting
 *       replica's lease.
 * </ul>
 */
record EtcdKeys(String prefix) {
  ByteSequence data() {
    return bytes(prefix + "data/");
  }

  ByteSequence record(String table, String key) {
    return bytes(prefix + "data/" + table + "/" + key);
  }

  ByteSequence head() {
    return bytes(prefix + "head");
  }

  /** The end of the range holding the data keys and the head key. */
  ByteSequence afterHead() {
    return bytes(prefix + "head\0");
  }

  ByteSequence members() {
    return bytes(prefix + "members/");
  }

  ByteSequence member(String node) {
    return bytes(prefix + "members/" + node);
  }

  ByteSequence heartbeats() {
    return bytes(prefix + "ttl/");
  }

  ByteSequence heartbeat(String checkId) {
    return bytes(prefix + "ttl/" + checkId);
  }

  /** A registry record's address. */
  record RecordKey(String table, String key) {}

  /** The table and key of a data key; empty for anything else. */
  Optional<RecordKey> recordKey(ByteSequence key) {
    String s = key.toString(StandardCharsets.UTF_8);
    String data = prefix + "data/";
    if (!s.startsWith(data)) {
      return Optional.empty();
    }
    String rest = s.substring(data.length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      return Optional.empty();
    }
    return Optional.of(new RecordKey(rest.substring(0, slash), rest.substring(slash + 1)));
  }

  /** The part of {@code key} after {@code base}. */
  static String after(ByteSequence base, ByteSequence key) {
    return key.toString(StandardCharsets.UTF_8)
        .substring(base.toString(StandardCharsets.UTF_8).length());
  }

  /** The first key after every key starting with {@code p}: etcd's prefix range end. */
  static ByteSequence rangeEnd(ByteSequence p) {
    byte[] end = p.getBytes();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return ByteSequence.from(java.util.Arrays.copyOf(end, i + 1));
      }
    }
    return ByteSequence.from(new byte[] {0});
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
