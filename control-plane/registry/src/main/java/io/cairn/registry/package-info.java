/**
 * The registry core: {@link io.cairn.registry.Registry} applies commands with a single writer and
 * group commit to the durable store, and publishes an immutable {@link
 * io.cairn.registry.RegistrySnapshot} per commit for lock-free readers, blocking queries and change
 * subscribers.
 */
package io.cairn.registry;
