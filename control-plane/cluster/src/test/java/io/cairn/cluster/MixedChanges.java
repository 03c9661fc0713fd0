package io.cairn.cluster;

import io.cairn.registry.Fixtures;
import io.cairn.registry.Registry;
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
    return List.of(prefix + "s1", prefix + "s2", prefix + "s3", prefix + "gone");
  }

  /** Applies 20 registrations and 10 other changes; returns the number of commands applied. */
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
    // The last change touches s1 only: the other services' indexes are now behind the registry's.
    r.apply(new UpdateCheck(prefix + "i-4:ttl", HealthStatus.WARNING, "slow"));
    return commands + 18;
  }
}
