package io.cairn.xds.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How the xDS server listens and batches changes.
 *
 * @param address listen address
 * @param port listen port (0 picks a free one)
 * @param debounceQuiet publish once changes pause this long
 * @param debounceMax but never hold a change back longer than this
 */
public record XdsSettings(String address, int port, Duration debounceQuiet, Duration debounceMax) {
  public XdsSettings {
    Objects.requireNonNull(address, "address");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, was " + port);
    }
    if (debounceQuiet.isNegative() || debounceMax.compareTo(debounceQuiet) < 0) {
      throw new IllegalArgumentException("need 0 <= debounceQuiet <= debounceMax");
    }
  }

  public static XdsSettings loopback(int port) {
    return new XdsSettings("127.0.0.1", port, Duration.ofMillis(10), Duration.ofMillis(100));
  }
}
