package io.cairn.registry;

import java.util.HashMap;
import java.util.Map;

/** The store tables registry state is kept in; names are part of the on-disk format. */
enum Table {
  INSTANCE("instance"),
  CHECK("check"),
  MAINTENANCE("maintenance"),
  CONFIG("config"),
  ACL_POLICY("acl-policy"),
  ACL_TOKEN("acl-token"),
  KV("kv"),
  SESSION("session"),
  /** Catalog nodes other than Cairn's, by name. */
  NODE("node"),
  /** Their services, by {@code <node>/<service id>}. */
  NODE_SERVICE("node-service"),
  /** Their checks, by {@code <node>/<check id>}. */
  NODE_CHECK("node-check"),
  /** The mesh CA: one record, {@code ca}, with its configuration and roots. */
  CA("ca"),
  /**
   * The index at which each service and each blocking-query table last changed ({@code
   * service/<name>}, {@code table/catalog|health|config}), written in the same commit as the
   * change, so a replica that loads the store computes the indexes a live replica saw: a deletion
   * leaves no other record behind.
   */
  INDEX("index");

  private final String storeName;

  Table(String storeName) {
    this.storeName = storeName;
  }

  String storeName() {
    return storeName;
  }

  private static final Map<String, Table> BY_STORE_NAME = new HashMap<>();

  static {
    for (Table t : values()) {
      BY_STORE_NAME.put(t.storeName, t);
    }
  }

  static Table fromStoreName(String name) {
    Table t = BY_STORE_NAME.get(name);
    if (t == null) {
      throw new IllegalArgumentException("unknown table '" + name + "'");
    }
    return t;
  }
}
