package io.cairn.registry;

/**
 * The durable store failed (disk full, I/O error, data directory in use). Commands in the failed
 * batch were not applied and not acknowledged.
 */
public class StoreException extends RegistryException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
