package io.cairn.registry.command;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Deletes a key, or with {@code recurse} every key under a prefix (Consul's {@code DELETE
 * /v1/kv/<key>}). Deleting what is not there succeeds.
 *
 * @param cas only with a single key: delete only if its modify index is this
 */
public record KvDelete(String key, boolean recurse, OptionalLong cas) implements Command {
  public KvDelete {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(cas, "cas");
    if (recurse && cas.isPresent()) {
      throw new IllegalArgumentException("cas applies to one key, not to a recursive delete");
    }
  }
}
