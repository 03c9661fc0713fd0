package io.cairn.registry;

/** The store tables registry state is kept in; names are part of the on-disk format. */
enum Table {
  INSTANCE("instance"),
  CHECK("check"),
  MAINTENANCE("maintenance"),
  CONFIG("config"),
  ACL_POLICY("acl-policy"),
  ACL_TOKEN("acl-token");

  private final String storeName;

  Table(String storeName) {
    this.storeName = storeName;
  }

  String storeName() {
    return storeName;
  }

  static Table fromStoreName(String name) {
    for (Table t : values()) {
      if (t.storeName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown table '" + name + "'");
  }
}
