package io.cairn.xds.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How the xDS server listens, batches changes and bounds its streams.
 *
 * @param address listen address
 * @param port listen port (0 picks a free one)
 * @param debounceQuiet publish once changes pause this long
 * @param debounceMax but never hold a change back longer than this
 * @param maxStreams xDS streams open at once over all connections; more are refused with {@code
 *     RESOURCE_EXHAUSTED}
 * @param maxStreamsPerConnection streams one HTTP/2 connection may have open at once (announced to
 *     the client, which queues the rest)
 */
public record XdsSettings(
    String address,
    int port,
    Duration debounceQuiet,
    Duration debounceMax,
    int maxStreams,
    int maxStreamsPerConnection) {
  /** Room for 10,000 sidecars with a stream each, twice over. */
  public static final int DEFAULT_MAX_STREAMS = 20_000;

  public static final int DEFAULT_MAX_STREAMS_PER_CONNECTION = 1_000;

  public XdsSettings {
    Objects.requireNonNull(address, "address");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, was " + port);
    }
    if (debounceQuiet.isNegative() || debounceMax.compareTo(debounceQuiet) < 0) {
      throw new IllegalArgumentException("need 0 <= debounceQuiet <= debounceMax");
    }
    if (maxStreams < 1 || maxStreamsPerConnection < 1) {
      throw new IllegalArgumentException("maxStreams and maxStreamsPerConnection must be positive");
    }
  }

  /** With the default stream limits. */
  public XdsSettings(String address, int port, Duration debounceQuiet, Duration debounceMax) {
    this(
        address,
        port,
        debounceQuiet,
        debounceMax,
        DEFAULT_MAX_STREAMS,
        DEFAULT_MAX_STREAMS_PER_CONNECTION);
  }

  public static XdsSettings loopback(int port) {
    return new XdsSettings("127.0.0.1", port, Duration.ofMillis(10), Duration.ofMillis(100));
  }

  /** These settings with other stream limits. */
  public XdsSettings withStreamLimits(int maxStreams, int maxStreamsPerConnection) {
    return new XdsSettings(
        address, port, debounceQuiet, debounceMax, maxStreams, maxStreamsPerConnection);
  }
}
