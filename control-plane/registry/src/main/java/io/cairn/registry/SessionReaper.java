package io.cairn.registry;

import io.cairn.registry.command.DestroySession;
import io.cairn.registry.kv.Session;
import io.cairn.registry.model.Indexed;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invalidates sessions whose TTL passed twice without a renewal (Consul's grace). Every replica
 * runs one; each destroy is conditional on the session's modify index, so a renewal that lands
 * first wins and replicas racing to expire the same session do it once.
 */
public final class SessionReaper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionReaper.class);

  /** Longest sleep between looks, so a session created meanwhile is seen in time. */
  private static final Duration MAX_SLEEP = Duration.ofSeconds(1);

  private final Registry registry;
  private final LongSupplier clockMillis;
  private final Thread thread;
  private volatile boolean running = true;

  private SessionReaper(Registry registry, LongSupplier clockMillis) {
    this.registry = registry;
    this.clockMillis = clockMillis;
    this.thread = Thread.ofVirtual().name("cairn-session-reaper").unstarted(this::run);
  }

  public static SessionReaper start(Registry registry) {
    return start(registry, System::currentTimeMillis);
  }

  static SessionReaper start(Registry registry, LongSupplier clockMillis) {
    SessionReaper reaper = new SessionReaper(registry, clockMillis);
    reaper.thread.start();
    return reaper;
  }

  private void run() {
    while (running) {
      try {
        RegistrySnapshot snapshot = registry.snapshot();
        long now = clockMillis.getAsLong();
        long sleep = MAX_SLEEP.toMillis();
        int expired = 0;
        for (Indexed<Session> s : snapshot.kv().sessions().values()) {
          OptionalLong expiresAt = expiry(s.value());
          if (expiresAt.isEmpty()) {
            continue;
          }
          long left = expiresAt.getAsLong() - now;
          if (left <= 0) {
            registry.submit(new DestroySession(s.value().id(), OptionalLong.of(s.modifyIndex())));
            expired++;
          } else {
            sleep = Math.min(sleep, left);
          }
        }
        if (expired > 0) {
          log.atInfo().addKeyValue("sessions", expired).log("session TTLs expired; invalidating");
        }
        // Polls rather than waking on every change: TTLs are at least 10 s, so a look a second
        // is precise enough and costs nothing under a heavy write load.
        Thread.sleep(Math.max(10, sleep));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.atWarn().log("session reaper: " + e);
        sleepQuietly();
      }
    }
  }

  private static OptionalLong expiry(Session s) {
    return s.expiresAtMillis().map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(MAX_SLEEP.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
