package io.cairn.registry.kv;

import java.util.Objects;

/** One operation of a KV transaction (Consul's {@code /v1/txn} KV verbs). */
public sealed interface KvOp {
  /** The key the operation acts on; for the tree verbs, the prefix. */
  String key();

  /** Writes {@code entry} whatever is there. */
  record Set(KvEntry entry) implements KvOp {
    public Set {
      Objects.requireNonNull(entry, "entry");
    }

    @Override
    public String key() {
      return entry.key();
    }
  }

  /** Writes {@code entry} if the key's modify index is {@code index}, or, for 0, it is absent. */
  record Cas(KvEntry entry, long index) implements KvOp {
    public Cas {
      Objects.requireNonNull(entry, "entry");
    }

    @Override
    public String key() {
      return entry.key();
    }
  }

  /** Reads one key; the transaction fails if it is absent. */
  record Get(String key) implements KvOp {
    public Get {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Reads every key under a prefix. */
  record GetTree(String key) implements KvOp {
    public GetTree {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Fails the transaction unless the key's modify index is {@code index}. */
  record CheckIndex(String key, long index) implements KvOp {
    public CheckIndex {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Fails the transaction if the key exists. */
  record CheckNotExists(String key) implements KvOp {
    public CheckNotExists {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Deletes one key; nothing happens if it is absent. */
  record Delete(String key) implements KvOp {
    public Delete {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Deletes every key under a prefix. */
  record DeleteTree(String key) implements KvOp {
    public DeleteTree {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Deletes the key if its modify index is {@code index}; an absent key counts as deleted. */
  record DeleteCas(String key, long index) implements KvOp {
    public DeleteCas {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Writes and acquires the key for {@code session}; fails if it cannot. */
  record Lock(KvEntry entry, String session) implements KvOp {
    public Lock {
      Objects.requireNonNull(entry, "entry");
      Objects.requireNonNull(session, "session");
    }

    @Override
    public String key() {
      return entry.key();
    }
  }

  /**
   * Writes and releases the key held by {@code session}; fails if that session does not hold it.
   */
  record Unlock(KvEntry entry, String session) implements KvOp {
    public Unlock {
      Objects.requireNonNull(entry, "entry");
      Objects.requireNonNull(session, "session");
    }

    @Override
    public String key() {
      return entry.key();
    }
  }

  /** Fails the transaction unless {@code session} holds the key. */
  record CheckSession(String key, String session) implements KvOp {
    public CheckSession {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(session, "session");
    }
  }
}
