/**
 * The mesh certificate authority's state: its configuration, trust domain and roots with their
 * keys. Registry state like the rest (single writer, durable store, replicated), so every replica
 * signs with the same root; the certificates themselves are made by the {@code cairn-ca} module.
 */
package io.cairn.registry.ca;
