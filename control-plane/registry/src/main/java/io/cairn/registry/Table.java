package io.cairn.registry;

/** The store tables registry state is kept in; names are part of the on-disk format. */
enum Table {
  INSTANCE("instance"),
  CHECK("check"),
  MAINTENANCE("maintenance"),
  CONFIG("config"),
  /** Last index per service name; survives the service so blocking queries never go backwards. */
  SERVICE_INDEX("service-index"),
  /** Last index per table (catalog, health, config), likewise. */
  TABLE_INDEX("table-index");

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
