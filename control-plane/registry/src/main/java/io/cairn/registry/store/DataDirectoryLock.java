package io.cairn.registry.store;

import io.cairn.registry.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code LOCK} in a data directory, so two Cairn processes never write the
 * same store. The OS releases it when the process dies, even by kill -9.
 */
public final class DataDirectoryLock implements AutoCloseable {
  public static final String FILE_NAME = "LOCK";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static DataDirectoryLock acquire(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    FileChannel channel = null;
    try {
      Files.createDirectories(dataDir);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        channel.close();
        throw new StoreException(
            "data directory "
                + dataDir.toAbsolutePath()
                + " is in use by another Cairn process"
                + (holder.isEmpty() ? "" : " (pid " + holder + ")"));
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
      return new DataDirectoryLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreException(
          "cannot lock data directory " + dataDir.toAbsolutePath() + ": " + e, e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Already failing; the original error is the one to report.
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel below releases the lock too.
    }
    closeQuietly(channel);
  }
}
