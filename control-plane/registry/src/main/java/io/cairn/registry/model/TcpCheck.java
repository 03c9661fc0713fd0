package io.cairn.registry.model;

import io.cairn.registry.validation.NetworkAddresses;
import io.cairn.registry.validation.Problems;
import java.time.Duration;

/** Passing when a TCP connection to {@code host:port} opens in time, critical otherwise. */
public record TcpCheck(String host, int port, Duration interval, Duration timeout)
    implements ProbeCheck {
  public TcpCheck {
    Problems p = new Problems();
    NetworkAddresses.address(p, "host", host);
    NetworkAddresses.port(p, "port", port);
    ProbeCheck.checkTiming(p, interval, timeout);
    p.throwIfAny();
  }
}
