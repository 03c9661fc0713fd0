package io.cairn.registry.store.sqlite;

import io.cairn.registry.StoreException;
import io.cairn.registry.store.Batch;
import io.cairn.registry.store.DataDirectoryLock;
import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.RegistryStore;
import io.cairn.registry.store.StoredRecord;
import io.cairn.registry.store.StoredState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * Registry state in {@code <data-dir>/cairn.db}. Used by the registry's writer thread only, so one
 * connection and no locking of its own.
 */
public final class SqliteStore implements RegistryStore {
  public static final String FILE_NAME = "cairn.db";
  private static final int SCHEMA_VERSION = 1;

  private final Path database;
  private final DataDirectoryLock lock;
  private final Connection connection;
  private final PreparedStatement upsert;
  private final PreparedStatement delete;
  private final PreparedStatement setLastIndex;
  private long lastIndex;

  private SqliteStore(Path database, DataDirectoryLock lock, Connection connection)
      throws SQLException {
    this.database = database;
    this.lock = lock;
    this.connection = connection;
    createSchema();
    this.upsert =
        connection.prepareStatement(
            "INSERT INTO records(tbl, key, create_index, modify_index, value) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT(tbl, key) DO UPDATE SET create_index = excluded.create_index,"
                + " modify_index = excluded.modify_index, value = excluded.value");
    this.delete = connection.prepareStatement("DELETE FROM records WHERE tbl = ? AND key = ?");
    this.setLastIndex =
        connection.prepareStatement(
            "INSERT INTO meta(name, value) VALUES ('last_index', ?)"
                + " ON CONFLICT(name) DO UPDATE SET value = excluded.value");
    connection.setAutoCommit(false);
  }

  /** Opens (creating if needed) the store in {@code dataDir}, locking the directory. */
  public static SqliteStore open(Path dataDir) {
    DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
    Path database = dataDir.resolve(FILE_NAME);
    Connection connection = null;
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      // FULL: the WAL is fsynced at every commit, so an acknowledged write survives power loss.
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.setBusyTimeout(10_000);
      connection = config.createConnection("jdbc:sqlite:" + database);
      return new SqliteStore(database, lock, connection);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
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
          "CREATE TABLE IF NOT EXISTS records(tbl TEXT NOT NULL, key TEXT NOT NULL,"
              + " create_index INTEGER NOT NULL, modify_index INTEGER NOT NULL,"
              + " value BLOB NOT NULL, PRIMARY KEY (tbl, key)) WITHOUT ROWID");
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
    }
  }

  private static long readMeta(Statement s, String name) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE name = '" + name + "'")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public StoredState load() {
    List<StoredRecord> records = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT tbl, key, create_index, modify_index, value FROM records")) {
      while (rs.next()) {
        records.add(
            new StoredRecord(
                rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getBytes(5)));
      }
      connection.commit();
      return new StoredState(lastIndex, records);
    } catch (SQLException e) {
      rollbackQuietly();
      throw new StoreException("cannot read store " + database + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void commit(Batch batch) {
    if (batch.index() <= lastIndex) {
      throw new IllegalStateException(
          "batch index " + batch.index() + " does not follow last index " + lastIndex);
    }
    try {
      for (Mutation m : batch.mutations()) {
        switch (m) {
          case Mutation.Put put -> {
            StoredRecord r = put.record();
            upsert.setString(1, r.table());
            upsert.setString(2, r.key());
            upsert.setLong(3, r.createIndex());
            upsert.setLong(4, r.modifyIndex());
            upsert.setBytes(5, r.value());
            upsert.executeUpdate();
          }
          case Mutation.Delete del -> {
            delete.setString(1, del.table());
            delete.setString(2, del.key());
            delete.executeUpdate();
          }
        }
      }
      setLastIndex.setLong(1, batch.index());
      setLastIndex.executeUpdate();
      connection.commit();
      lastIndex = batch.index();
    } catch (SQLException e) {
      rollbackQuietly();
      throw new StoreException(
          "commit of index " + batch.index() + " to " + database + " failed: " + e.getMessage(), e);
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

  @Override
  public String describe() {
    return "sqlite " + database.toAbsolutePath();
  }

  @Override
  public void close() {
    try {
      upsert.close();
      delete.close();
      setLastIndex.close();
    } catch (SQLException ignored) {
      // The connection close below releases them anyway.
    }
    closeQuietly(connection);
    lock.close();
  }
}
