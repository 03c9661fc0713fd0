package io.cairn.registry.chain;

import io.cairn.registry.config.Route;
import java.util.Objects;

/** One router route, with its destination compiled. */
public record ChainRoute(Route route, ChainDestination destination) {
  public ChainRoute {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(destination, "destination");
  }
}
