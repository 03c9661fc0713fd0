package io.cairn.admin.kv;

import com.fasterxml.jackson.databind.node.NullNode;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.model.Indexed;
import java.math.BigInteger;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Consul's {@code DirEntry} JSON: base64 {@code Value} ({@code null} when empty), in its order. The
 * null is written out, as Consul does, although Cairn's JSON leaves nulls out elsewhere.
 */
final class KvJson {
  private KvJson() {}

  static Map<String, Object> encode(Indexed<KvEntry> e, boolean withValue) {
    Map<String, Object> out = new LinkedHashMap<>();
    KvEntry entry = e.value();
    out.put("LockIndex", entry.lockIndex());
    out.put("Key", entry.key());
    out.put("Flags", flags(entry.flags()));
    out.put(
        "Value",
        withValue && entry.size() > 0
            ? Base64.getEncoder().encodeToString(entry.value())
            : NullNode.getInstance());
    entry.session().ifPresent(id -> out.put("Session", id));
    out.put("CreateIndex", e.createIndex());
    out.put("ModifyIndex", e.modifyIndex());
    return out;
  }

  /** Flags are an unsigned 64-bit number in Consul. */
  static Object flags(long flags) {
    return flags >= 0 ? flags : new BigInteger(Long.toUnsignedString(flags));
  }
}
