package io.cairn.server.config;

import io.cairn.cluster.EtcdSettings;
import java.nio.file.Path;
import java.util.Objects;

/** Where the registry's state lives. */
public sealed interface StoreSettings {
  /** The embedded SQLite store in a data directory: one Cairn, no other process needed. */
  record Embedded(Path dataDir) implements StoreSettings {
    public Embedded {
      Objects.requireNonNull(dataDir, "dataDir");
    }
  }

  /** An etcd cluster shared by several Cairn replicas. */
  record Etcd(EtcdSettings etcd) implements StoreSettings {
    public Etcd {
      Objects.requireNonNull(etcd, "etcd");
    }
  }
}
