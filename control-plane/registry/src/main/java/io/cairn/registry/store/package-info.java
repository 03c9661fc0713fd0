/**
 * Durable storage of registry state as keyed records in tables. The registry hands the store one
 * batch per group commit; a batch is durable when {@link
 * io.cairn.registry.store.RegistryStore#commit} returns. Implementations: SQLite (embedded
 * default), etcd (clusters).
 */
package io.cairn.registry.store;
