package io.cairn.benchmarks;

import io.cairn.registry.Registry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * Durable registrations per second on the embedded store with 1, 8 and 64 concurrent writers, each
 * waiting for its acknowledgement (i.e. for fsync). The peer, run in the same invocation on the
 * same disk, is what a registry gets without group commit: SQLite in the same mode (WAL,
 * synchronous=FULL), one transaction per registration, one connection per writer.
 */
final class RegistrationBenchmark {
  private RegistrationBenchmark() {}

  static void run(BenchOptions options) throws Exception {
    System.out.printf(
        "durable registrations: %d cores, %s, warm-up %ds, measure %ds, tmp %s%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        options.warmupSeconds(),
        options.seconds(),
        System.getProperty("java.io.tmpdir"));
    System.out.printf(
        "%-8s %-28s %12s %9s %9s%n", "writers", "system", "writes/s", "p50 ms", "p99 ms");
    List<String> summary = new ArrayList<>();
    for (int writers : options.writers()) {
      LoadRun.Result cairn = cairn(writers, options);
      print("cairn (group commit)", cairn);
      LoadRun.Result peer = sqlitePerWrite(writers, options);
      print("sqlite, txn per write", peer);
      summary.add(
          String.format(
              "writers=%d cairn=%.0f/s peer=%.0f/s ratio=%.2fx",
              writers, cairn.perSecond(), peer.perSecond(), cairn.perSecond() / peer.perSecond()));
    }
    System.out.println();
    summary.forEach(System.out::println);
  }

  private static void print(String system, LoadRun.Result r) {
    System.out.printf(
        "%-8d %-28s %12.0f %9.2f %9.2f%n",
        r.writers(), system, r.perSecond(), r.p50Ms(), r.p99Ms());
  }

  private static ServiceInstance instance(int writer, long seq) {
    return ServiceInstance.builder("w" + writer + "-" + seq, "svc-" + (seq % 100))
        .address("10." + (writer % 250) + "." + (seq / 250 % 250) + "." + (seq % 250 + 1))
        .port(8080)
        .tags("v1", "primary")
        .meta(Map.of("version", "1.4.2", "zone", "a"))
        .build();
  }

  private static LoadRun.Result cairn(int writers, BenchOptions o) throws Exception {
    Path dir = Files.createTempDirectory("cairn-bench-");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Registry registry = Registry.open(SqliteStore.open(dir), meters)) {
      LoadRun.Result result =
          LoadRun.run(
              writers,
              o.warmupSeconds(),
              o.seconds(),
              (w, seq) -> registry.apply(RegisterInstance.of(instance(w, seq))));
      var commit = meters.get("cairn.store.commit").timer();
      var batch = meters.get("cairn.registry.batch.commands").summary();
      System.out.printf(
          "         (%d group commits, %.1f registrations each, commit mean %.2f ms, max %.2f ms)%n",
          commit.count(),
          batch.mean(),
          commit.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
          commit.max(java.util.concurrent.TimeUnit.MILLISECONDS));
      return result;
    } finally {
      delete(dir);
    }
  }

  private static LoadRun.Result sqlitePerWrite(int writers, BenchOptions o) throws Exception {
    Path dir = Files.createTempDirectory("sqlite-bench-");
    Path db = dir.resolve("peer.db");
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(60_000);
    List<Connection> connections = new ArrayList<>();
    try {
      try (Connection c = config.createConnection("jdbc:sqlite:" + db);
          Statement s = c.createStatement()) {
        s.executeUpdate(
            "CREATE TABLE records(tbl TEXT NOT NULL, key TEXT NOT NULL, create_index INTEGER,"
                + " modify_index INTEGER, value BLOB, PRIMARY KEY (tbl, key)) WITHOUT ROWID");
      }
      List<PreparedStatement> inserts = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        Connection c = config.createConnection("jdbc:sqlite:" + db);
        connections.add(c);
        inserts.add(
            c.prepareStatement("INSERT OR REPLACE INTO records VALUES ('instance', ?, 1, 1, ?)"));
      }
      return LoadRun.run(
          writers,
          o.warmupSeconds(),
          o.seconds(),
          (w, seq) -> {
            ServiceInstance i = instance(w, seq);
            PreparedStatement insert = inserts.get(w);
            insert.setString(1, i.id());
            insert.setBytes(2, i.toString().getBytes(StandardCharsets.UTF_8));
            insert.executeUpdate(); // autocommit: one transaction, one fsync per write
          });
    } finally {
      for (Connection c : connections) {
        c.close();
      }
      delete(dir);
    }
  }

  private static void delete(Path dir) throws Exception {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
