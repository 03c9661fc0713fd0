package io.cairn.cluster;

import io.cairn.registry.Fixtures;
import io.cairn.registry.Registry;
import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.command.CatalogDeregister;
import io.cairn.registry.command.CatalogRegister;
import io.cairn.registry.command.CreateSession;
import io.cairn.registry.command.DeleteConfigEntry;
import io.cairn.registry.command.DeregisterCheck;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.DestroySession;
import io.cairn.registry.command.KvDelete;
import io.cairn.registry.command.KvLock;
import io.cairn.registry.command.KvSet;
import io.cairn.registry.command.KvTxn;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.SetMaintenance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.kv.KvOp;
import io.cairn.registry.kv.Session;
import io.cairn.registry.kv.SessionBehavior;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ServiceInstance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Every kind of change that moves a blocking-query index, some of them removals that leave no
 * record behind: registrations with checks, check updates and removals, maintenance on and off, a
 * whole service deregistered, config entries put and deleted, KV keys written, locked and deleted,
 * a session created and destroyed.
 */
final class MixedChanges {
  private MixedChanges() {}

  /** Services {@link #apply} touches with {@code prefix}, the removed one included. */
  static List<String> services(String prefix) {
    return List.of(
        prefix + "s1",
        prefix + "s2",
        prefix + "s3",
        prefix + "gone",
        prefix + "ext",
        prefix + "ext-gone");
  }

  /** Applies instance, check, config, KV, session and catalog-node changes; returns how many. */
  static int apply(Registry r, String prefix) {
    List<String> services = services(prefix);
    int commands = 0;
    for (int i = 0; i < 20; i++) {
      String id = prefix + "i-" + i;
      r.apply(
          new RegisterInstance(
              Fixtures.instance(id, services.get(i % 4)),
              List.of(Fixtures.ttlCheck(id + ":ttl", id, HealthStatus.CRITICAL)),
              false));
      commands++;
    }
    r.apply(new UpdateCheck(prefix + "i-0:ttl", HealthStatus.PASSING, "ok"));
    r.apply(new DeregisterCheck(prefix + "i-1:ttl"));
    r.apply(SetMaintenance.enable(prefix + "i-2", "upgrade"));
    r.apply(SetMaintenance.disable(prefix + "i-2"));
    for (int i = 3; i < 20; i += 4) {
      r.apply(new DeregisterInstance(prefix + "i-" + i)); // every instance of "gone"
      commands++;
    }
    r.apply(PutConfigEntry.of(new ServiceDefaults(prefix + "s1", Protocol.HTTP, Map.of())));
    r.apply(PutConfigEntry.of(new ServiceDefaults(prefix + "s2", Protocol.GRPC, Map.of())));
    r.apply(
        DeleteConfigEntry.of(new ConfigEntryKey(ConfigEntryKind.SERVICE_DEFAULTS, prefix + "s2")));
    // The last change touches s1 only: the other services' indexes are now behind the registry's.
    // KV: writes, a lock held by a session, a check-and-set, deletes one by one and by prefix,
    // and a session that goes away with the key it held.
    for (int i = 0; i < 6; i++) {
      r.apply(
          new KvSet(
              new KvEntry(prefix + "kv/" + i, i, ("v" + i).getBytes(StandardCharsets.UTF_8)),
              OptionalLong.empty()));
    }
    Session session =
        new Session(
            prefix + "session",
            "",
            "node",
            Duration.ZERO,
            SessionBehavior.DELETE,
            Optional.of(Duration.ofHours(1)),
            List.of(Session.SERF_HEALTH),
            List.of(),
            0);
    r.apply(new CreateSession(session));
    r.apply(new KvLock(new KvEntry(prefix + "kv/lock", 0, new byte[0]), session.id(), true));
    r.apply(new KvDelete(prefix + "kv/0", false, OptionalLong.empty()));
    r.apply(new KvDelete(prefix + "kv/1", false, OptionalLong.of(0)));
    r.apply(
        new KvTxn(
            List.of(
                new KvOp.Set(new KvEntry(prefix + "kv/tx/a", 0, new byte[] {1})),
                new KvOp.DeleteTree(prefix + "kv/4"))));
    r.apply(DestroySession.of(prefix + "session"));
    // Catalog nodes: two with a service and checks, a status written, a service and a node gone.
    for (int n = 1; n <= 2; n++) {
      String node = prefix + "node-" + n;
      r.apply(
          new CatalogRegister(
              new CatalogNode(node, "", "10.30.0." + n, Map.of(), Map.of("n", "" + n)),
              false,
              Optional.of(
                  new NodeService(
                      node,
                      ServiceInstance.builder("db", prefix + (n == 1 ? "ext" : "ext-gone"))
                          .address("10.30.0." + n)
                          .port(5432)
                          .build(),
                      true)),
              List.of(
                  new NodeCheck(node, "alive", "alive", "", HealthStatus.PASSING, "", ""),
                  new NodeCheck(node, "sql", "sql", "db", HealthStatus.CRITICAL, "", ""))));
    }
    r.apply(
        new CatalogRegister(
            new CatalogNode(prefix + "node-1", "", "10.30.0.1", Map.of(), Map.of()),
            true,
            Optional.empty(),
            List.of(
                new NodeCheck(
                    prefix + "node-1", "sql", "sql", "db", HealthStatus.PASSING, "", "ok"))));
    r.apply(new CatalogDeregister(prefix + "node-2", Optional.of("db"), Optional.empty()));
    r.apply(new CatalogDeregister(prefix + "node-2", Optional.empty(), Optional.empty()));
    // The last change touches s1 only: the other services' indexes are now behind the registry's.
    r.apply(new UpdateCheck(prefix + "i-4:ttl", HealthStatus.WARNING, "slow"));
    return commands + 23;
  }
}
