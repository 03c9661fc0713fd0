package io.cairn.registry;

/**
 * The store cannot take writes now: etcd lost its quorum or this replica lost etcd, or the embedded
 * store failed and is being reopened. The registry keeps serving its last snapshot; writes fail
 * with this (HTTP 503 with {@code Retry-After}) until the store is back. Nothing of the failed
 * command was acknowledged; a write whose commit failed or timed out may still appear once the
 * store answers again.
 */
public final class StoreUnavailableException extends StoreException {
  public StoreUnavailableException(String message) {
    super(message);
  }

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
