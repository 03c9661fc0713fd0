package io.cairn.registry.command;

import io.cairn.registry.kv.KvEntry;
import java.util.Objects;

/**
 * Writes a key while acquiring ({@code acquire}) or releasing its lock for {@code session}
 * (Consul's {@code ?acquire=} and {@code ?release=}). Not applied, without error, when the key is
 * held by another session, is in its lock delay, or (to release) is not held by this one.
 */
public record KvLock(KvEntry entry, String session, boolean acquire) implements Command {
  public KvLock {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(session, "session");
  }
}
