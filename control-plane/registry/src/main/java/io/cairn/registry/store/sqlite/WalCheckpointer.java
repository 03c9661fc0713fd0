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
 *
 * <p>A PASSIVE checkpoint cannot restart the log, though: SQLite starts writing the log from its
 * beginning again only when a commit finds every frame copied back, and commits that never pause
 * always find newer ones. So once a PASSIVE checkpoint has caught up with a log of {@link
 * #RESTART_FRAMES} pages or more, a RESTART checkpoint copies the few frames written meanwhile,
 * holding the writer for that long, and the next commit writes the log from its start (the file is
 * cut back to the journal size limit).
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);
  private static final long PERIOD_MILLIS = 250;

  /** Pages in the log (32 MiB of 4 KiB pages) past which a caught-up log is restarted. */
  static final int RESTART_FRAMES = 8_192;

  private final int restartFrames;

  private final Connection connection;
  private final Thread thread;
  private volatile boolean closed;

  /** Checkpoints failed in a row: logged once when they start and once when they stop. */
  private long failures;

  private WalCheckpointer(Connection connection, int restartFrames) {
    this.connection = connection;
    this.restartFrames = restartFrames;
    this.thread = Thread.ofPlatform().name("store-checkpointer").daemon().unstarted(this::run);
  }

  static WalCheckpointer start(Connection connection, int restartFrames) {
    WalCheckpointer c = new WalCheckpointer(connection, restartFrames);
    c.thread.start();
    return c;
  }

  private void run() {
    while (!closed) {
      try {
        Thread.sleep(PERIOD_MILLIS);
        Progress passive = checkpoint("PASSIVE");
        if (passive.caughtUp() && passive.frames() >= restartFrames) {
          checkpoint("RESTART");
        }
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

  /**
   * What a checkpoint found: frames in the log, and whether all of them were copied back (none
   * busy).
   */
  private record Progress(int frames, boolean caughtUp) {}

  private Progress checkpoint(String mode) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      if (!rs.next()) {
        return new Progress(0, false);
      }
      int busy = rs.getInt(1);
      int frames = rs.getInt(2);
      int copied = rs.getInt(3);
      if (log.isDebugEnabled()) {
        log.debug("checkpoint {}: busy={} wal={} copied={}", mode, busy, frames, copied);
      }
      return new Progress(frames, busy == 0 && frames >= 0 && copied == frames);
    }
  }

  /** Stops checkpointing and truncates the log, as a clean shutdown leaves it. */
  @Override
  public void close() {
    stop(true);
  }

  /**
   * Stops checkpointing without a last checkpoint: the store is reopened after a failure, and the
   * reopening checkpoints and reports its own failure (a failing disk would fail both).
   */
  void abandon() {
    stop(false);
  }

  private void stop(boolean truncate) {
    closed = true;
    thread.interrupt();
    try {
      thread.join();
      if (truncate) {
        checkpoint("TRUNCATE");
      }
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
