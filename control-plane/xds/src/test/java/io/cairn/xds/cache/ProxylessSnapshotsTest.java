package io.cairn.xds.cache;

import static io.cairn.xds.pgv.ValidResources.valid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.command.Command;
import io.cairn.registry.command.DeleteConfigEntry;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import io.cairn.registry.model.ServiceInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An incrementally updated snapshot must always equal one built from scratch. */
class ProxylessSnapshotsTest {
  private final Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());

  @AfterEach
  void close() {
    registry.close();
  }

  private static Command instance(String id, String service, String address) {
    return RegisterInstance.of(
        ServiceInstance.builder(id, service).address(address).port(8080).build());
  }

  private void step(ProxylessSnapshots incremental, Command command, String... changed) {
    registry.apply(command);
    ContentSnapshot updated = valid(incremental.update(registry.snapshot(), Set.of(changed)));
    assertThat(SnapshotVersions.of(updated))
        .as("after " + command)
        .isEqualTo(SnapshotVersions.of(ProxylessSnapshots.build(registry.snapshot())));
  }

  @Test
  void everyChangeMatchesAFullBuild() {
    registry.apply(instance("api-1", "api", "10.0.0.1"));
    registry.apply(instance("web-1", "web", "10.0.1.1"));
    registry.apply(PutConfigEntry.of(new ServiceDefaults("web", Protocol.HTTP, Map.of())));
    ProxylessSnapshots incremental = new ProxylessSnapshots();
    incremental.rebuild(registry.snapshot());

    // web splits to api: web's resources now depend on api's instances.
    step(
        incremental,
        PutConfigEntry.of(
            new ServiceSplitter(
                "web",
                List.of(
                    new Split(50, new ServiceTarget("", "")),
                    new Split(50, new ServiceTarget("api", ""))),
                Map.of())),
        "web");
    step(incremental, instance("api-2", "api", "10.0.0.2"), "api");
    step(incremental, new DeregisterInstance("api-1"), "api");
    step(incremental, instance("db-1", "db", "10.0.2.1"), "db");
    step(incremental, new DeregisterInstance("db-1"), "db");
    step(
        incremental,
        new DeleteConfigEntry(
            new ConfigEntryKey(ConfigEntryKind.SERVICE_SPLITTER, "web"),
            java.util.OptionalLong.empty()),
        "web");
    step(incremental, instance("api-3", "api", "10.0.0.3"), "api");

    assertThat(
            SnapshotVersions.of(incremental.update(registry.snapshot(), Set.of())).keySet().stream()
                .filter(k -> k.startsWith("LISTENER"))
                .collect(Collectors.toList()))
        .containsExactly("LISTENER/api", "LISTENER/web");
  }
}
