package io.cairn.registry;

import io.cairn.registry.config.ConfigEntryKey;
import java.util.Set;

/**
 * What changed between two published snapshots. Subscribers that fall behind get one event covering
 * every change they missed.
 *
 * @param fromIndex the index the subscriber saw before
 * @param toIndex the index of {@code snapshot}
 * @param snapshot the state after the changes
 * @param services services whose instances, checks or maintenance changed
 * @param instances the instances whose registration, checks or maintenance changed (added, updated
 *     or removed); every one of them belongs, before or after, to one of {@code services}
 * @param configEntries config entries written or deleted
 */
public record ChangeEvent(
    long fromIndex,
    long toIndex,
    RegistrySnapshot snapshot,
    Set<String> services,
    Set<String> instances,
    Set<ConfigEntryKey> configEntries) {
  public ChangeEvent {
    services = Set.copyOf(services);
    instances = Set.copyOf(instances);
    configEntries = Set.copyOf(configEntries);
  }
}
