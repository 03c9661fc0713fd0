package io.cairn.ca;

/** A certificate could not be made or read: a bad key or certificate, or a crypto failure. */
public final class CaException extends RuntimeException {
  public CaException(String message, Throwable cause) {
    super(message, cause);
  }
}
