package io.cairn.registry;

import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.command.CatalogRegister;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.CreateSession;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.KvLock;
import io.cairn.registry.command.KvSet;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.kv.Session;
import io.cairn.registry.kv.SessionBehavior;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A process for {@link KillNineIT} to kill: concurrent writers register, update and deregister
 * instances on the real SQLite store and print one line per acknowledged write, only after the
 * registry returned (i.e. after the commit was durable):
 *
 * <pre>
 * READY index
 * ACK id index      instance registered (with a TTL check id:ttl)
 * CHK id index      its check turned passing
 * DEL id index      instance deregistered
 * KV id index       key kv/id written (every fourth locked by the round's session)
 * NODE id index     catalog node n-id registered with a service and a node check
 * </pre>
 *
 * Arguments: data directory, round (makes ids unique across runs), writer threads.
 */
public final class CrashWorkload {
  private CrashWorkload() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    String round = args[1];
    int writers = Integer.parseInt(args[2]);
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    Registry registry = Registry.open(SqliteStore.open(dataDir), new SimpleMeterRegistry());
    // Every fourth KV write takes its key's lock for this round's session.
    registry.apply(
        new CreateSession(
            new Session(
                "session-" + round,
                "crash",
                "node",
                Duration.ZERO,
                SessionBehavior.RELEASE,
                Optional.empty(),
                List.of(Session.SERF_HEALTH),
                List.of(),
                System.currentTimeMillis())));
    out.println("READY " + registry.snapshot().index());
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      String prefix = "r" + round + "-w" + w + "-";
      threads.add(Thread.ofPlatform().start(() -> write(registry, prefix, out)));
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  /** Catalog node {@code n-<id>}: its check passes when {@code i % 12 == 1}, else critical. */
  static CatalogRegister catalogNode(String id, int i) {
    String node = "n-" + id;
    return new CatalogRegister(
        new CatalogNode(node, "", "10.40.0.1", Map.of(), Map.of("i", Integer.toString(i))),
        false,
        Optional.of(
            new NodeService(
                node,
                ServiceInstance.builder("db", "ext-" + (i % 3))
                    .address("10.40.0.1")
                    .port(5432)
                    .build(),
                true)),
        List.of(
            new NodeCheck(
                node,
                "alive",
                "alive",
                "",
                i % 12 == 1 ? HealthStatus.PASSING : HealthStatus.CRITICAL,
                "",
                "")));
  }

  private static void write(Registry registry, String prefix, PrintStream out) {
    for (int i = 0; ; i++) {
      String id = prefix + i;
      CommandResult registered =
          registry.apply(
              new RegisterInstance(
                  Fixtures.instance(id, "svc-" + (i % 7)),
                  List.of(Fixtures.ttlCheck(id + ":ttl", id, HealthStatus.CRITICAL)),
                  false));
      out.println("ACK " + id + " " + registered.index());
      KvEntry entry = new KvEntry("kv/" + id, i, id.getBytes(StandardCharsets.UTF_8));
      CommandResult stored =
          registry.apply(
              i % 4 == 0
                  ? new KvLock(entry, "session-" + prefix.substring(1, prefix.indexOf('-')), true)
                  : new KvSet(entry, OptionalLong.empty()));
      out.println("KV " + id + " " + stored.index());
      if (i % 6 == 1) {
        CommandResult node = registry.apply(catalogNode(id, i));
        out.println("NODE " + id + " " + node.index());
      }
      if (i % 3 == 0) {
        CommandResult passed =
            registry.apply(new UpdateCheck(id + ":ttl", HealthStatus.PASSING, "ok " + i));
        out.println("CHK " + id + " " + passed.index());
      }
      if (i % 5 == 4) {
        String victim = prefix + (i - 2);
        CommandResult removed = registry.apply(new DeregisterInstance(victim));
        out.println("DEL " + victim + " " + removed.index());
      }
    }
  }
}
