package io.cairn.server;

import io.cairn.registry.Registry;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.cairn.server.config.ServerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Cairn: the durable store, the registry on top of it and the front ends reading from
 * it. Front ends start after the registry and stop before it, so every request they accepted is
 * answered before the store closes.
 */
public final class CairnServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CairnServer.class);

  private final Registry registry;
  private final AtomicBoolean closed = new AtomicBoolean();

  private CairnServer(Registry registry) {
    this.registry = registry;
  }

  /** Opens the store in the data directory and starts everything. */
  public static CairnServer start(ServerSettings settings, MeterRegistry meters) {
    Registry registry = Registry.open(SqliteStore.open(settings.dataDir()), meters);
    return new CairnServer(registry);
  }

  public Registry registry() {
    return registry;
  }

  /** Stops the front ends, lets the writer finish queued commands, closes the store. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.info("stopping");
    registry.close();
    log.info("stopped");
  }
}
