package io.cairn.registry;

/**
 * Base of the registry's unchecked exceptions. Front ends map each subtype to their protocol's
 * error (HTTP status, DNS RCODE, gRPC status) at the edge.
 */
public abstract class RegistryException extends RuntimeException {
  protected RegistryException(String message) {
    super(message);
  }

  protected RegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
