package io.cairn.registry;

import io.cairn.registry.config.ConfigEntryKey;
import java.util.HashSet;
import java.util.Set;

/** Folds consecutive change events into one spanning them all. */
final class ChangeEventMerger {
  private final long fromIndex;
  private ChangeEvent last;
  private Set<String> services;
  private Set<String> instances;
  private Set<ConfigEntryKey> configEntries;

  ChangeEventMerger(ChangeEvent first) {
    this.fromIndex = first.fromIndex();
    this.last = first;
  }

  void add(ChangeEvent event) {
    if (services == null) {
      services = new HashSet<>(last.services());
      instances = new HashSet<>(last.instances());
      configEntries = new HashSet<>(last.configEntries());
    }
    services.addAll(event.services());
    instances.addAll(event.instances());
    configEntries.addAll(event.configEntries());
    last = event;
  }

  ChangeEvent result() {
    if (services == null) {
      return last;
    }
    return new ChangeEvent(
        fromIndex, last.toIndex(), last.snapshot(), services, instances, configEntries);
  }
}
