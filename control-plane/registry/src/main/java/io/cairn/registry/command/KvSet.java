package io.cairn.registry.command;

import io.cairn.registry.kv.KvEntry;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Writes a key (Consul's {@code PUT /v1/kv/<key>}). Every write moves the key's modify index, even
 * with the same value, as Consul's does.
 *
 * @param cas check-and-set: 0 writes only if the key is absent, N only if its modify index is N;
 *     empty writes unconditionally
 */
public record KvSet(KvEntry entry, OptionalLong cas) implements Command {
  public KvSet {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(cas, "cas");
  }
}
