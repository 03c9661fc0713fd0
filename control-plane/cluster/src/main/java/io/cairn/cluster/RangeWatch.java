package io.cairn.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch over a key range that survives etcd going away: when it breaks it is opened again from
 * the revision after the last event seen, so no change is missed or seen twice; when etcd compacted
 * that revision away, the handler reads everything again and says where to go on from.
 */
final class RangeWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RangeWatch.class);
  private static final long RETRY_MILLIS = 500;

  /** What the owner of the watch does with it. Called on jetcd's threads, one at a time. */
  interface Handler {
    /** Events of whole revisions, in order. */
    void onEvents(List<WatchEvent> events);

    /**
     * The watch's history is gone: read the range again (and tell whoever follows it); returns the
     * revision that read was at. Throws if etcd cannot be read yet; it is then asked again.
     */
    long onCompacted();

    /** The watch is up (again): etcd is reachable and has a leader. */
    default void onConnected() {}

    /** The watch broke; it will be opened again. */
    default void onLost(Throwable error) {}
  }

  private final Client client;
  private final ByteSequence from;
  private final ByteSequence end;
  private final Handler handler;
  private final String name;
  private final Object lock = new Object();
  private Watch.Watcher watcher;
  private volatile long nextRevision;
  private volatile boolean closed;

  /**
   * Watches {@code [from, end)} starting at {@code startRevision}.
   *
   * @param name for logs
   */
  RangeWatch(
      Client client,
      ByteSequence from,
      ByteSequence end,
      long startRevision,
      Handler handler,
      String name) {
    this.client = client;
    this.from = from;
    this.end = end;
    this.handler = handler;
    this.name = name;
    this.nextRevision = startRevision;
    open();
  }

  /*
   * jetcd calls onError holding its watch client's lock, and Watcher.close takes that lock: so no
   * call into jetcd is made while holding this one (the other order deadlocked a shutdown racing
   * etcd going away).
   */

  private void open() {
    if (closed) {
      return;
    }
    WatchOption option =
        WatchOption.builder()
            .withRange(end)
            .withRevision(nextRevision)
            // A member cut off from the leader would serve a frozen view; this ends the watch.
            .withRequireLeader(true)
            .withCreateNotify(true)
            .build();
    Watch.Watcher opened =
        client
            .getWatchClient()
            .watch(from, option, Watch.listener(this::onResponse, this::onError, () -> {}));
    boolean keep;
    synchronized (lock) {
      keep = !closed;
      if (keep) {
        watcher = opened;
      }
    }
    if (!keep) {
      opened.close();
    }
  }

  private void onResponse(WatchResponse response) {
    if (closed) {
      return;
    }
    if (response.isCreatedNotify()) {
      handler.onConnected();
      return;
    }
    List<WatchEvent> events = response.getEvents();
    if (events.isEmpty()) {
      return;
    }
    handler.onEvents(events);
    nextRevision = events.getLast().getKeyValue().getModRevision() + 1;
  }

  private void onError(Throwable error) {
    Watch.Watcher broken;
    synchronized (lock) {
      if (closed) {
        return;
      }
      broken = watcher;
      watcher = null;
    }
    if (broken != null) {
      broken.close();
    }
    handler.onLost(error);
    boolean compacted = error instanceof CompactedException;
    Thread.ofVirtual().name("etcd-rewatch-" + name).start(() -> reopen(compacted));
  }

  private void reopen(boolean compacted) {
    while (!closed) {
      try {
        Thread.sleep(RETRY_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      if (!compacted) {
        open();
        return;
      }
      try {
        nextRevision = handler.onCompacted() + 1;
        open();
        return;
      } catch (RuntimeException e) {
        log.atDebug().addKeyValue("watch", name).log("re-read failed, retrying: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    Watch.Watcher open;
    synchronized (lock) {
      closed = true;
      open = watcher;
      watcher = null;
    }
    if (open != null) {
      open.close();
    }
  }
}
