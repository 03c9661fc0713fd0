package io.cairn.registry.store.sqlite;

import io.cairn.registry.StoreException;
import io.cairn.registry.store.Batch;
import io.cairn.registry.store.DataDirectoryLock;
import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.RecordSink;
import io.cairn.registry.store.RegistryStore;
import io.cairn.registry.store.StoredRecord;
import io.cairn.registry.store.StoredState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.sqlite.SQLiteConfig;

/**
 * Registry state in {@code <data-dir>/cairn.db}. Used by one thread at a time (see {@link
 * RegistryStore}), so one connection and no locking of its own.
 */
public final class SqliteStore implements RegistryStore {
  public static final String FILE_NAME = "cairn.db";

  /**
   * 2: the last index is the larger of {@code meta.last_index} and every record's modify index (a
   * batch that stores a record at its own index does not write the meta row too); version 1
   * binaries would read an older index, so they refuse a version 2 store.
   */
  private static final int SCHEMA_VERSION = 2;

  private final Path database;
  private final DataDirectoryLock lock;
  private final SQLiteConfig config;

  // One session's connection and statements; replaced whole by recover().
  private Connection connection;
  private PreparedStatement insert;
  private PreparedStatement update;
  private PreparedStatement delete;
  private PreparedStatement setLastIndex;
  private WalCheckpointer checkpointer;
  private final int restartFrames;

  /**
   * Row of every stored record, so writes go by rowid: new records append at the end of the table
   * and no index on random keys has to be maintained (and fsynced) per commit.
   */
  private final Map<String, RowIds> rowids = new HashMap<>();

  /** A record's identity: its table and key. */
  private record RowKey(String table, String key) {}

  private Long row(RowKey id) {
    RowIds rows = rowids.get(id.table());
    if (rows == null) {
      return null;
    }
    OptionalLong row = rows.row(id.key());
    return row.isPresent() ? row.getAsLong() : null;
  }

  private void putRow(RowKey id, long row) {
    rowids.computeIfAbsent(id.table(), t -> new RowIds()).put(id.key(), row);
  }

  private void removeRow(RowKey id) {
    RowIds rows = rowids.get(id.table());
    if (rows != null) {
      rows.remove(id.key());
    }
  }

  private long nextRowid;

  /** Whether text is stored as UTF-8 (SQLite's default), so it can be read as bytes. */
  private boolean utf8;

  private boolean loaded;
  private long lastIndex;

  private SqliteStore(Path database, DataDirectoryLock lock, SQLiteConfig config, int restartFrames)
      throws SQLException {
    this.database = database;
    this.lock = lock;
    this.config = config;
    this.restartFrames = restartFrames;
    openSession();
  }

  /** Opens the connections and statements every commit uses. */
  private void openSession() throws SQLException {
    connection = config.createConnection("jdbc:sqlite:" + database);
    try {
      createSchema();
      insert =
          connection.prepareStatement(
              "INSERT INTO records(id, tbl, key, create_index, modify_index, value)"
                  + " VALUES (?, ?, ?, ?, ?, ?)");
      update =
          connection.prepareStatement(
              "UPDATE records SET create_index = ?, modify_index = ?, value = ? WHERE id = ?");
      delete = connection.prepareStatement("DELETE FROM records WHERE id = ?");
      setLastIndex =
          connection.prepareStatement(
              "INSERT INTO meta(name, value) VALUES ('last_index', ?)"
                  + " ON CONFLICT(name) DO UPDATE SET value = excluded.value");
      connection.setAutoCommit(false);
      checkpointer =
          WalCheckpointer.start(config.createConnection("jdbc:sqlite:" + database), restartFrames);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      connection = null;
      throw e;
    }
  }

  /** Opens (creating if needed) the store in {@code dataDir}, locking the directory. */
  public static SqliteStore open(Path dataDir) {
    return open(dataDir, WalCheckpointer.RESTART_FRAMES);
  }

  /**
   * As {@link #open(Path)}, restarting the write-ahead log once it holds {@code restartFrames}
   * pages.
   */
  static SqliteStore open(Path dataDir, int restartFrames) {
    DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
    Path database = dataDir.resolve(FILE_NAME);
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      // FULL: the WAL is fsynced at every commit, so an acknowledged write survives power loss.
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      // Besides a RESTART checkpoint copying the few frames since the last PASSIVE one
      // (WalCheckpointer), only another process can hold the write lock: fail the commit soon,
      // so that writes are refused and readiness says why instead of requests hanging.
      config.setBusyTimeout(2_000);
      // sqlite-jdbc otherwise runs "SELECT last_insert_rowid()" after every insert.
      config.setGetGeneratedKeys(false);
      // Checkpoints run on a background connection (WalCheckpointer), not inside commits.
      config.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "0");
      config.setJournalSizeLimit(64 << 20);
      // Keep the working set in SQLite's page cache (64 MiB) instead of re-reading pages.
      config.setCacheSize(-65_536);
      return new SqliteStore(database, lock, config, restartFrames);
    } catch (SQLException | RuntimeException e) {
      lock.close();
      if (e instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("cannot open store " + database + ": " + e.getMessage(), e);
    }
  }

  private void createSchema() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.executeUpdate(
          "CREATE TABLE IF NOT EXISTS records(id INTEGER PRIMARY KEY, tbl TEXT NOT NULL,"
              + " key TEXT NOT NULL,"
              + " create_index INTEGER NOT NULL, modify_index INTEGER NOT NULL,"
              + " value BLOB NOT NULL)");
      s.executeUpdate(
          "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      long version = readMeta(s, "schema_version");
      if (version > SCHEMA_VERSION) {
        throw new StoreException(
            database
                + " has schema version "
                + version
                + "; this Cairn understands up to "
                + SCHEMA_VERSION
                + ". Run a newer Cairn.");
      }
      s.executeUpdate(
          "INSERT OR REPLACE INTO meta(name, value) VALUES ('schema_version', "
              + SCHEMA_VERSION
              + ")");
      lastIndex = readMeta(s, "last_index");
      utf8 = "UTF-8".equals(pragma(s, "encoding"));
    }
  }

  private static long readMeta(Statement s, String name) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE name = '" + name + "'")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Reads every record, and remembers each one's row for the commits that follow. */
  @Override
  public StoredState load() {
    List<StoredRecord> records = new ArrayList<>();
    long last =
        load(
            (table, key, created, modified, value) ->
                records.add(new StoredRecord(table, key, created, modified, value)));
    return new StoredState(last, records);
  }

  /**
   * Reads every record straight into {@code records}, and remembers each one's row for the commits
   * that follow.
   */
  @Override
  public long load(RecordSink records) {
    rowids.clear();
    nextRowid = 1;
    TableNames tables = new TableNames();
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id, tbl, key, create_index, modify_index, value FROM records ORDER BY id")) {
      while (rs.next()) {
        // One call per row: a restart runs this loop once, mostly before the JIT has compiled it,
        // and a method is compiled after far fewer calls than a loop after iterations.
        readRow(rs, records, tables);
      }
      connection.commit();
      loaded = true;
      return lastIndex;
    } catch (SQLException e) {
      rollbackQuietly();
      throw new StoreException("cannot read store " + database + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // A record the sink could not take, or one stored twice: end the read transaction too.
      rollbackQuietly();
      throw e;
    }
  }

  /**
   * Hands the current row to {@code records}. Table and key are read as UTF-8 bytes, not through
   * the driver's slower text path, and each table name is one string rather than one per record.
   */
  private void readRow(ResultSet rs, RecordSink records, TableNames tables) throws SQLException {
    long id = rs.getLong(1);
    String table;
    String key;
    if (utf8) {
      table = tableName(rs.getBytes(2), tables);
      key = new String(rs.getBytes(3), StandardCharsets.UTF_8);
    } else {
      table = rs.getString(2);
      key = rs.getString(3);
    }
    if (rowids.computeIfAbsent(table, t -> new RowIds()).put(key, id)) {
      throw new StoreException(database + " holds record " + table + "/" + key + " twice");
    }
    nextRowid = id + 1;
    long modified = rs.getLong(5);
    if (modified > lastIndex) {
      lastIndex = modified;
    }
    records.accept(table, key, rs.getLong(4), modified, rs.getBytes(6));
  }

  /** Whether a record of {@code batch} is stored with the batch's index as its modify index. */
  private static boolean carriesIndex(Batch batch) {
    for (Mutation m : batch.mutations()) {
      if (m instanceof Mutation.Put put && put.record().modifyIndex() == batch.index()) {
        return true;
      }
    }
    return false;
  }

  /** The one string for the table named by the UTF-8 {@code bytes}, among the few a store has. */
  private static String tableName(byte[] bytes, TableNames tables) {
    for (int i = 0; i < tables.bytes.size(); i++) {
      if (Arrays.equals(tables.bytes.get(i), bytes)) {
        return tables.names.get(i);
      }
    }
    String table = new String(bytes, StandardCharsets.UTF_8);
    tables.bytes.add(bytes);
    tables.names.add(table);
    return table;
  }

  /** The table names one load has seen, with their bytes. */
  private record TableNames(List<byte[]> bytes, List<String> names) {
    TableNames() {
      this(new ArrayList<>(), new ArrayList<>());
    }
  }

  /**
   * Closes every connection and reads the state back from the file. After a failed commit, SQLite
   * may have left the transaction's frames in the WAL, and the kernel may have dropped pages whose
   * fsync failed while still showing them in its cache. Reopening makes SQLite recover the WAL as a
   * restart would; the TRUNCATE checkpoint then writes every page we are about to read into the
   * database file and fsyncs it, so what is loaded is durable, not just cached.
   */
  @Override
  public StoredState recover() {
    closeSession(false);
    try {
      openSession();
      try (Statement s = connection.createStatement();
          ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
        if (rs.next() && rs.getInt(1) != 0) {
          throw new StoreException("cannot checkpoint " + database + ": it is busy");
        }
      }
      connection.commit();
    } catch (SQLException e) {
      closeSession(false);
      throw new StoreException("cannot reopen store " + database + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeSession(false);
      throw e;
    }
    return load();
  }

  @Override
  public void commit(Batch batch) {
    if (!loaded) {
      throw new IllegalStateException("load() must come before the first commit");
    }
    if (batch.index() <= lastIndex) {
      throw new IllegalStateException(
          "batch index " + batch.index() + " does not follow last index " + lastIndex);
    }
    Map<RowKey, Long> undo = new HashMap<>();
    long rowidsBefore = nextRowid;
    int inserts = 0;
    int updates = 0;
    int deletes = 0;
    try {
      for (Mutation m : batch.mutations()) {
        RowKey id = new RowKey(m.table(), m.key());
        Long row = row(id);
        switch (m) {
          case Mutation.Put put when row == null -> {
            StoredRecord r = put.record();
            long newRow = nextRowid++;
            insert.setLong(1, newRow);
            insert.setString(2, r.table());
            insert.setString(3, r.key());
            insert.setLong(4, r.createIndex());
            insert.setLong(5, r.modifyIndex());
            insert.setBytes(6, r.value());
            insert.addBatch();
            inserts++;
            remember(undo, id, null);
            putRow(id, newRow);
          }
          case Mutation.Put put -> {
            StoredRecord r = put.record();
            update.setLong(1, r.createIndex());
            update.setLong(2, r.modifyIndex());
            update.setBytes(3, r.value());
            update.setLong(4, row);
            update.addBatch();
            updates++;
          }
          case Mutation.Delete del -> {
            if (row != null) {
              delete.setLong(1, row);
              delete.addBatch();
              deletes++;
              remember(undo, id, row);
              removeRow(id);
            }
          }
        }
      }
      // Each record appears at most once per batch, so the three kinds of statement commute.
      executeIfAny(insert, inserts);
      executeIfAny(update, updates);
      executeIfAny(delete, deletes);
      // One page less per commit when a record carries the index (see SCHEMA_VERSION).
      if (!carriesIndex(batch)) {
        setLastIndex.setLong(1, batch.index());
        setLastIndex.executeUpdate();
      }
      connection.commit();
      lastIndex = batch.index();
    } catch (SQLException | RuntimeException e) {
      // Statements queued but not run would otherwise run inside the next commit.
      clearBatches();
      rollbackQuietly();
      undo.forEach(
          (id, row) -> {
            if (row == null) {
              removeRow(id);
            } else {
              putRow(id, row);
            }
          });
      nextRowid = rowidsBefore;
      throw new StoreException(
          "commit of index " + batch.index() + " to " + database + " failed: " + e.getMessage(), e);
    }
  }

  private static void executeIfAny(PreparedStatement statement, int count) throws SQLException {
    if (count > 0) {
      statement.executeBatch();
    }
  }

  /** Records how to undo a change to {@code rowids}; only the first change to a record counts. */
  private static void remember(Map<RowKey, Long> undo, RowKey id, Long previousRow) {
    undo.putIfAbsent(id, previousRow);
  }

  private void clearBatches() {
    for (PreparedStatement statement : new PreparedStatement[] {insert, update, delete}) {
      try {
        statement.clearBatch();
      } catch (SQLException ignored) {
        // A closed statement has no batch left to run.
      }
    }
  }

  private void rollbackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // The commit error is the one worth reporting.
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Closing after a failure; nothing more to do.
      }
    }
  }

  /**
   * The path and the durability settings as the open connection reports them (not as requested):
   * {@code journal_mode=wal synchronous=FULL} means every commit fsyncs the WAL before it returns.
   */
  @Override
  public String describe() {
    String durability;
    try (Statement s = connection.createStatement()) {
      durability =
          "journal_mode="
              + pragma(s, "journal_mode")
              + " synchronous="
              + SYNCHRONOUS[Integer.parseInt(pragma(s, "synchronous"))];
    } catch (SQLException | RuntimeException e) {
      durability = "durability unknown: " + e.getMessage();
    }
    return "sqlite " + database.toAbsolutePath() + " (" + durability + ")";
  }

  private static final String[] SYNCHRONOUS = {"OFF", "NORMAL", "FULL", "EXTRA"};

  private static String pragma(Statement s, String name) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      return rs.next() ? rs.getString(1) : "?";
    }
  }

  @Override
  public void close() {
    closeSession(true);
    lock.close();
  }

  /** Closes this session's connections; {@code checkpoint} truncates the log first. */
  private void closeSession(boolean checkpoint) {
    if (checkpointer != null) {
      if (checkpoint) {
        checkpointer.close();
      } else {
        checkpointer.abandon();
      }
      checkpointer = null;
    }
    if (connection != null) {
      try {
        insert.close();
        update.close();
        delete.close();
        setLastIndex.close();
      } catch (SQLException | RuntimeException ignored) {
        // The connection close below releases them anyway.
      }
      closeQuietly(connection);
      connection = null;
    }
    loaded = false;
  }
}
