package io.cairn.registry.model;

import io.cairn.registry.validation.NetworkAddresses;
import io.cairn.registry.validation.Problems;
import java.time.Duration;

/**
 * The gRPC health protocol ({@code grpc.health.v1.Health/Check}) against {@code host:port}.
 *
 * @param service the service name to ask about; empty asks about the server as a whole
 */
public record GrpcCheck(
    String host,
    int port,
    String service,
    boolean useTls,
    boolean tlsSkipVerify,
    Duration interval,
    Duration timeout)
    implements ProbeCheck {
  public GrpcCheck {
    Problems p = new Problems();
    NetworkAddresses.address(p, "host", host);
    NetworkAddresses.port(p, "port", port);
    if (service == null) {
      p.add("service", "must not be null (use an empty string)");
    }
    ProbeCheck.checkTiming(p, interval, timeout);
    p.throwIfAny();
  }
}
