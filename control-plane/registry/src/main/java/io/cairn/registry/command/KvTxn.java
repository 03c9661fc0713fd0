package io.cairn.registry.command;

import io.cairn.registry.kv.KvOp;
import java.util.List;

/**
 * KV operations applied atomically at one index (Consul's {@code /v1/txn}): all of them, or, if any
 * check fails, none.
 */
public record KvTxn(List<KvOp> ops) implements Command {
  /** Consul's limit on the operations of one transaction. */
  public static final int MAX_OPS = 64;

  public KvTxn {
    ops = List.copyOf(ops);
    if (ops.isEmpty() || ops.size() > MAX_OPS) {
      throw new IllegalArgumentException(
          "a transaction has 1 to " + MAX_OPS + " operations, not " + ops.size());
    }
  }
}
