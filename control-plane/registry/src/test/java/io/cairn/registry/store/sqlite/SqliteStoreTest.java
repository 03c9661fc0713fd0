package io.cairn.registry.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.registry.StoreException;
import io.cairn.registry.store.Batch;
import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.StoredRecord;
import io.cairn.registry.store.StoredState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {
  @TempDir Path dir;

  private static StoredRecord record(String key, long create, long modify, String value) {
    return new StoredRecord("t", key, create, modify, value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void committedBatchesSurviveReopen() {
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThat(store.load()).isEqualTo(StoredState.EMPTY);
      store.commit(
          new Batch(
              2,
              List.of(
                  new Mutation.Put(record("a", 1, 1, "one")),
                  new Mutation.Put(record("b", 2, 2, "two")))));
      store.commit(
          new Batch(
              3,
              List.of(new Mutation.Put(record("a", 1, 3, "uno")), new Mutation.Delete("t", "b"))));
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      StoredState state = store.load();
      assertThat(state.lastIndex()).isEqualTo(3);
      assertThat(state.records()).containsExactly(record("a", 1, 3, "uno"));
    }
  }

  @Test
  void recordsCanBeDeletedAndWrittenAgainAcrossReopens() {
    try (SqliteStore store = SqliteStore.open(dir)) {
      store.load();
      store.commit(new Batch(1, List.of(new Mutation.Put(record("a", 1, 1, "one")))));
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      store.load();
      store.commit(new Batch(2, List.of(new Mutation.Delete("t", "a"))));
      store.commit(new Batch(3, List.of(new Mutation.Put(record("a", 3, 3, "again")))));
      store.commit(new Batch(4, List.of(new Mutation.Put(record("a", 3, 4, "updated")))));
      store.commit(new Batch(5, List.of(new Mutation.Delete("t", "missing"))));
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThat(store.load().records()).containsExactly(record("a", 3, 4, "updated"));
      assertThat(store.load().lastIndex()).isEqualTo(5);
    }
  }

  @Test
  void theWriteAheadLogStaysBoundedUnderWritesThatNeverPause() throws Exception {
    // Background PASSIVE checkpoints copy the log back but cannot restart it while commits keep
    // coming: without a RESTART now and then, the log grew by every commit (about 8 KiB each).
    Path wal = dir.resolve(SqliteStore.FILE_NAME + "-wal");
    int restartFrames = 256; // 1 MiB of 4 KiB pages
    long largest = 0;
    int commits = 6_000;
    try (SqliteStore store = SqliteStore.open(dir, restartFrames)) {
      store.load();
      String value = "x".repeat(1_000);
      for (int i = 1; i <= commits; i++) {
        store.commit(new Batch(i, List.of(new Mutation.Put(record("k" + i, i, i, value + i)))));
        if (Files.exists(wal)) {
          largest = Math.max(largest, Files.size(wal));
        }
      }
    }
    // Unbounded, it reached 63 MiB (about 6,000 x 8 KiB plus frame headers). Bounded, it stays
    // near what the commits add while a checkpoint runs: under 16 MiB on a quiet machine, 21 MiB
    // seen at load average 10-20, where the checkpointer gets the CPU late.
    assertThat(largest).isLessThan(40L << 20);
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThat(store.load().records()).hasSize(commits);
    }
  }

  @Test
  void aCommitOfOneSmallRecordAddsOnePageToTheLog() throws Exception {
    // A lone writer's commit waits for the log's fsync: a second page per commit (the last index
    // kept in its own table) made each one write twice what it stores.
    Path wal = dir.resolve(SqliteStore.FILE_NAME + "-wal");
    int commits = 300;
    long frame = 4096 + 24;
    try (SqliteStore store = SqliteStore.open(dir, Integer.MAX_VALUE)) {
      store.load();
      store.commit(new Batch(1, List.of(new Mutation.Put(record("k1", 1, 1, "v")))));
      long before = Files.size(wal);
      for (int i = 2; i <= commits + 1; i++) {
        store.commit(new Batch(i, List.of(new Mutation.Put(record("k" + i, i, i, "v" + i)))));
      }
      // A checkpoint that let the log restart could only make it smaller.
      assertThat(Files.size(wal) - before)
          .as("log bytes for %d single-record commits", commits)
          .isLessThan(commits * frame * 5 / 4);
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThat(store.load().lastIndex()).isEqualTo(commits + 1);
    }
  }

  @Test
  void theLastIndexIsRestoredWhicheverBatchCarriedIt() {
    try (SqliteStore store = SqliteStore.open(dir)) {
      store.load();
      store.commit(new Batch(4, List.of(new Mutation.Put(record("a", 4, 4, "one")))));
      store.commit(new Batch(7, List.of(new Mutation.Put(record("b", 7, 7, "two")))));
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThat(store.load().lastIndex()).as("from the records").isEqualTo(7);
      // Deleting the record that carried the index, and a batch that changes nothing, must not
      // take the index back.
      store.commit(new Batch(9, List.of(new Mutation.Delete("t", "b"))));
      store.commit(new Batch(10, List.of()));
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThat(store.load().lastIndex()).as("from the meta table").isEqualTo(10);
      // A put that keeps an older modify index does not carry the batch's.
      store.commit(new Batch(11, List.of(new Mutation.Put(record("a", 4, 4, "same")))));
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThat(store.load().lastIndex()).isEqualTo(11);
      store.commit(new Batch(12, List.of(new Mutation.Put(record("c", 12, 12, "three")))));
      assertThat(store.recover().lastIndex()).as("recover reads it the same way").isEqualTo(12);
    }
  }

  @Test
  void aStoreWrittenByANewerSchemaIsRefused() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir)) {
      store.load();
    }
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                "jdbc:sqlite:" + dir.resolve(SqliteStore.FILE_NAME));
        java.sql.Statement s = c.createStatement()) {
      assertThat(s.executeQuery("SELECT value FROM meta WHERE name = 'schema_version'").getInt(1))
          .as("the version this Cairn writes")
          .isEqualTo(2);
      s.executeUpdate("UPDATE meta SET value = 3 WHERE name = 'schema_version'");
    }
    assertThatThrownBy(() -> SqliteStore.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 3")
        .hasMessageContaining("Run a newer Cairn");
  }

  @Test
  void theIndexNeverGoesBackwards() {
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThatThrownBy(() -> store.commit(new Batch(5, List.of())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("load()");
      store.load();
      store.commit(new Batch(5, List.of()));
      assertThatThrownBy(() -> store.commit(new Batch(5, List.of())))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aSecondProcessCannotOpenTheSameDataDirectory() {
    try (SqliteStore first = SqliteStore.open(dir)) {
      assertThatThrownBy(() -> SqliteStore.open(dir))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("in use by another Cairn process")
          .hasMessageContaining(String.valueOf(ProcessHandle.current().pid()));
    }
    SqliteStore.open(dir).close();
  }

  @Test
  void recoverReadsBackWhatWasCommittedAndCommitsContinue() {
    try (SqliteStore store = SqliteStore.open(dir)) {
      store.load();
      store.commit(new Batch(1, List.of(new Mutation.Put(record("a", 1, 1, "x")))));
      StoredState state = store.recover();
      assertThat(state.lastIndex()).isEqualTo(1);
      assertThat(state.records()).extracting(StoredRecord::key).containsExactly("a");
      store.commit(new Batch(2, List.of(new Mutation.Put(record("b", 2, 2, "y")))));
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThat(store.load().records()).extracting(StoredRecord::key).containsExactly("a", "b");
    }
  }

  @Test
  void loadHandsEveryRecordToASinkAndCommitsThenGoByRow() {
    byte[] value = "{\"x\":\"é\"}".getBytes(StandardCharsets.UTF_8);
    try (SqliteStore store = SqliteStore.open(dir)) {
      store.load();
      store.commit(
          new Batch(
              1,
              List.of(
                  new Mutation.Put(new StoredRecord("t", "a", 1, 1, value)),
                  new Mutation.Put(new StoredRecord("tàble", "ключ✓", 1, 1, value)),
                  new Mutation.Put(new StoredRecord("u", "", 1, 1, value)))));
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      List<StoredRecord> read = new java.util.ArrayList<>();
      long last =
          store.load(
              (table, key, created, modified, v) ->
                  read.add(new StoredRecord(table, key, created, modified, v)));
      assertThat(last).isEqualTo(1);
      assertThat(read)
          .containsExactly(
              new StoredRecord("t", "a", 1, 1, value),
              new StoredRecord("tàble", "ключ✓", 1, 1, value),
              new StoredRecord("u", "", 1, 1, value));
      // Rows were remembered by table and key: these update and delete, not insert.
      store.commit(
          new Batch(
              2,
              List.of(
                  new Mutation.Put(new StoredRecord("tàble", "ключ✓", 1, 2, value)),
                  new Mutation.Delete("u", ""))));
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThat(store.load().records())
          .containsExactly(
              new StoredRecord("t", "a", 1, 1, value),
              new StoredRecord("tàble", "ключ✓", 1, 2, value));
    }
  }

  @Test
  void aSinkThatFailsFailsTheLoadAndLeavesTheStoreUsable() {
    try (SqliteStore store = SqliteStore.open(dir)) {
      store.load();
      store.commit(new Batch(1, List.of(new Mutation.Put(record("a", 1, 1, "x")))));
    }
    try (SqliteStore store = SqliteStore.open(dir)) {
      assertThatThrownBy(
              () ->
                  store.load(
                      (table, key, created, modified, v) -> {
                        throw new IllegalStateException("unreadable " + key);
                      }))
          .hasMessage("unreadable a");
      assertThatThrownBy(() -> store.commit(new Batch(2, List.of())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("load()");
      assertThat(store.load().records()).containsExactly(record("a", 1, 1, "x"));
      store.commit(new Batch(2, List.of(new Mutation.Put(record("b", 2, 2, "y")))));
    }
  }

  @Test
  void usesWriteAheadLogWithFullSync() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir)) {
      store.load();
      store.commit(new Batch(1, List.of(new Mutation.Put(record("a", 1, 1, "x")))));
      // As the connection reports them: FULL fsyncs the WAL at every commit.
      assertThat(store.describe()).contains("journal_mode=wal", "synchronous=FULL");
    }
  }
}
