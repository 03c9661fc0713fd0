package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;

/** One rule of a router: requests matching {@code match} go to {@code destination}. */
public record Route(HttpRouteMatch match, RouteDestination destination) {
  public Route {
    Problems p = new Problems();
    if (match == null) {
      p.add("match", "is required (use HttpRouteMatch.ANY)");
    }
    if (destination == null) {
      p.add("destination", "is required");
    }
    p.throwIfAny();
    boolean rewritable =
        match
            .path()
            .map(m -> m.type() == MatchType.PREFIX || m.type() == MatchType.EXACT)
            .orElse(false);
    if (!destination.prefixRewrite().isEmpty() && !rewritable) {
      p.add("destination.prefixRewrite", "needs a prefix or exact path match");
    }
    p.throwIfAny();
  }
}
