package io.cairn.registry;

/** A running subscription to change events; close it to stop delivery. */
public interface Subscription extends AutoCloseable {
  /**
   * The snapshot current when the subscription began; events describe changes after it, so a
   * subscriber builds its initial view from this.
   */
  RegistrySnapshot startSnapshot();

  @Override
  void close();
}
