package io.cairn.registry;

/**
 * The shared store cannot be reached (etcd lost its quorum or this replica lost etcd). The registry
 * keeps serving its last snapshot; writes fail with this until the store is back. Nothing of the
 * failed command was acknowledged; a write whose commit timed out may still appear once the store
 * answers again.
 */
public final class StoreUnavailableException extends StoreException {
  public StoreUnavailableException(String message) {
    super(message);
  }

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
