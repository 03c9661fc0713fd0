/**
 * The embedded default store: one SQLite database in WAL mode with {@code synchronous=FULL}, so a
 * commit is fsynced before it returns. The registry's group commit makes many writes share one
 * transaction and one fsync.
 */
package io.cairn.registry.store.sqlite;
