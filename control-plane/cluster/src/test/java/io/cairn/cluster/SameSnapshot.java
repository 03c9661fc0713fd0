package io.cairn.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.RegistrySnapshot;
import java.util.Collection;
import java.util.TreeSet;

/** Asserts that two replicas serve the same state: contents and every index a client can read. */
final class SameSnapshot {
  private SameSnapshot() {}

  /**
   * Compares {@code b} with {@code a}: the index, the table indexes, the index of every service in
   * either snapshot and in {@code alsoServices} (removed ones included), and every value with its
   * create and modify indexes. Returns how many indexes were compared.
   */
  static int assertSame(RegistrySnapshot a, RegistrySnapshot b, Collection<String> alsoServices) {
    assertThat(b.index()).as("index").isEqualTo(a.index());
    assertThat(b.tableIndexes()).as("table indexes").isEqualTo(a.tableIndexes());
    TreeSet<String> services = new TreeSet<>(alsoServices);
    services.addAll(a.serviceNames());
    services.addAll(b.serviceNames());
    services.addAll(a.catalog().serviceNames());
    services.addAll(b.catalog().serviceNames());
    for (String s : services) {
      assertThat(b.serviceIndex(s)).as("index of service " + s).isEqualTo(a.serviceIndex(s));
    }
    assertThat(b.instances()).containsExactlyElementsOf(a.instances());
    assertThat(b.checks()).containsExactlyElementsOf(a.checks());
    assertThat(b.maintenances()).containsExactlyElementsOf(a.maintenances());
    assertThat(b.configEntries()).containsExactlyElementsOf(a.configEntries());
    assertThat(b.catalog()).as("catalog nodes, services and checks").isEqualTo(a.catalog());
    assertThat(b.kv().entries()).as("KV entries").isEqualTo(a.kv().entries());
    assertThat(b.kv().sessions()).as("sessions").isEqualTo(a.kv().sessions());
    assertThat(b.kv().index()).as("KV index").isEqualTo(a.kv().index());
    assertThat(b.kv().deleteIndex()).as("KV delete index").isEqualTo(a.kv().deleteIndex());
    assertThat(b.kv().sessionIndex()).as("session index").isEqualTo(a.kv().sessionIndex());
    int prefixes = 0;
    for (String key : a.kv().entries().keySet()) {
      String prefix = key.substring(0, key.lastIndexOf('/') + 1);
      assertThat(b.kv().prefixIndex(prefix))
          .as("index of prefix " + prefix)
          .isEqualTo(a.kv().prefixIndex(prefix));
      prefixes++;
    }
    return 8 + services.size() + prefixes;
  }
}
