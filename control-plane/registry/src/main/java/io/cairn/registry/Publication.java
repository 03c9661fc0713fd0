package io.cairn.registry;

import java.util.concurrent.CompletableFuture;

/**
 * One published snapshot and the event that led to it, linked to the next publication. Readers
 * waiting for a change wait on {@link #next}; the chain is the change log subscribers walk, and old
 * links are garbage once nobody holds them.
 */
final class Publication {
  final RegistrySnapshot snapshot;
  final ChangeEvent event;
  final CompletableFuture<Publication> next = new CompletableFuture<>();

  Publication(RegistrySnapshot snapshot, ChangeEvent event) {
    this.snapshot = snapshot;
    this.event = event;
  }
}
