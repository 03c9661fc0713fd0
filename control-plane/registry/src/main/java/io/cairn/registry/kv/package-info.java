/**
 * The key/value store (Consul's KV): entries, the state a snapshot holds, and the operations a
 * transaction is made of. KV entries are registry state, written through the single writer and
 * stored and replicated like everything else.
 */
package io.cairn.registry.kv;
