package io.cairn.registry.model;

import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.NetworkAddresses;
import io.cairn.registry.validation.Problems;

/**
 * A service a sidecar's application calls through the sidecar, on a local port.
 *
 * @param destinationName the upstream service
 * @param localBindAddress where the sidecar listens for the application (default 127.0.0.1)
 * @param localBindPort the port the application dials
 */
public record Upstream(String destinationName, String localBindAddress, int localBindPort) {
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

  public Upstream {
    Problems p = new Problems();
    Names.serviceName(p, "destinationName", destinationName);
    NetworkAddresses.address(p, "localBindAddress", localBindAddress);
    NetworkAddresses.port(p, "localBindPort", localBindPort);
    p.throwIfAny();
  }

  public Upstream(String destinationName, int localBindPort) {
    this(destinationName, DEFAULT_BIND_ADDRESS, localBindPort);
  }
}
