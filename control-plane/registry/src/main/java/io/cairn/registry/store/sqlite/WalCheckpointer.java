package io.cairn.registry.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the write-ahead log back into the database on its own connection and thread. SQLite would
 * otherwise checkpoint inside whichever commit crosses the threshold, stalling the registry writer
 * for the time it takes to write back and fsync a thousand pages. PASSIVE checkpoints run alongside
 * the writer and never block it.
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);
  private static final long PERIOD_MILLIS = 250;

  private final Connection connection;
  private final Thread thread;
  private volatile boolean closed;

  /** Checkpoints failed in a row: logged once when they start and once when they stop. */
  private long failures;

  private WalCheckpointer(Connection connection) {
    this.connection = connection;
    this.thread = Thread.ofPlatform().name("store-checkpointer").daemon().unstarted(this::run);
  }

  static WalCheckpointer start(Connection connection) {
    WalCheckpointer c = new WalCheckpointer(connection);
    c.thread.start();
    return c;
  }

  private void run() {
    while (!closed) {
      try {
        Thread.sleep(PERIOD_MILLIS);
        checkpoint("PASSIVE");
        if (failures > 0) {
          log.info("WAL checkpoints work again after {} failed", failures);
          failures = 0;
        }
      } catch (InterruptedException e) {
        return;
      } catch (SQLException e) {
        if (failures++ == 0) {
          log.warn(
              "WAL checkpoint failed (retried every {} ms): {}", PERIOD_MILLIS, e.getMessage());
        }
      }
    }
  }

  private void checkpoint(String mode) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      if (rs.next() && log.isDebugEnabled()) {
        log.debug(
            "checkpoint {}: busy={} wal={} copied={}",
            mode,
            rs.getInt(1),
            rs.getInt(2),
            rs.getInt(3));
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join();
      checkpoint("TRUNCATE");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      log.warn("final WAL checkpoint failed: {}", e.getMessage());
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Closing on shutdown; the WAL is replayed on next open anyway.
    }
  }
}
