package io.cairn.registry.command;

import io.cairn.registry.validation.NetworkAddresses;
import io.cairn.registry.validation.Problems;

/** Ports {@code first} to {@code last}, both included. */
public record PortRange(int first, int last) {
  public PortRange {
    Problems p = new Problems();
    NetworkAddresses.port(p, "first", first);
    NetworkAddresses.port(p, "last", last);
    p.check(first <= last, "last", "must not be below first (" + first + "), was " + last);
    p.throwIfAny();
  }

  @Override
  public String toString() {
    return first + "-" + last;
  }
}
