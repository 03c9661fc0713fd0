package io.cairn.registry;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The registries a test opens (and what runs on them), closed after each test: embedded ones on a
 * store (reopen the same store to restart), or replicas of one shared store. Register with
 * {@code @RegisterExtension}.
 */
final class OpenRegistries implements AfterEachCallback {
  private final List<AutoCloseable> open = new ArrayList<>();

  Registry open(InMemoryStore store) {
    return add(Registry.open(store, new SimpleMeterRegistry()));
  }

  Registry replica(InMemorySharedStore.Server server) {
    return add(Registry.replicated(server.connect(127), new SimpleMeterRegistry()));
  }

  /** {@code c}, closed after the test with the registries (before them: last opened first). */
  <T extends AutoCloseable> T add(T c) {
    open.add(c);
    return c;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    open.clear();
  }
}
