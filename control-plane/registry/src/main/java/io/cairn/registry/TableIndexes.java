package io.cairn.registry;

/**
 * The last index at which each kind of state changed; what a blocking query on a whole table waits
 * on (Consul's per-table indexes).
 *
 * @param catalog instances registered, changed or removed
 * @param health check status, checks added or removed, maintenance
 * @param config config entries
 */
public record TableIndexes(long catalog, long health, long config) {
  static final TableIndexes ZERO = new TableIndexes(0, 0, 0);
}
