package io.cairn.xds.cache;

import io.cairn.registry.model.Locality;
import io.cairn.registry.validation.Names;
import java.util.Objects;
import java.util.Optional;

/**
 * Which proxyless gRPC clients share a snapshot beyond the common one: those that name the same
 * service of their own ({@code node.cluster}, whose UpstreamConfig applies to their clusters) and
 * run in the same locality ({@code node.locality}, for resolvers that prioritize by locality).
 *
 * @param service the clients' own service, or empty when they name none
 * @param locality where the clients run, when their node says
 */
public record DownstreamKey(String service, Optional<Locality> locality) {
  public DownstreamKey {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(locality, "locality");
    if (!service.isEmpty() && !Names.isDnsLabel(service)) {
      throw new IllegalArgumentException("not a service name: " + service);
    }
    if (service.isEmpty() && locality.isEmpty()) {
      throw new IllegalArgumentException("a service, a locality or both");
    }
  }

  /**
   * A name unique to the key, for the cache's groups: lengths keep a region with a {@code /} apart
   * from a zone.
   */
  public String name() {
    return service
        + locality
            .map(l -> "@" + l.region().length() + ":" + l.region() + "/" + l.zone())
            .orElse("");
  }
}
