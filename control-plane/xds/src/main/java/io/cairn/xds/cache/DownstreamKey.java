package io.cairn.xds.cache;

import io.cairn.registry.model.Locality;
import io.cairn.registry.validation.Names;
import java.util.Objects;
import java.util.Optional;

/**
 * Which proxyless gRPC clients share a snapshot beyond the common one: those that name the same
 * service of their own ({@code node.cluster}, whose UpstreamConfig applies to their clusters and
 * whose server Listener they may ask for), run in the same locality ({@code node.locality}, for
 * resolvers that prioritize by locality) and opt in to mTLS with the same certificate provider
 * instance (node metadata {@value #CERTIFICATE_PROVIDER}).
 *
 * @param service the clients' own service, or empty when they name none
 * @param locality where the clients run, when their node says
 * @param certificateProvider the certificate provider instance their bootstrap defines, when they
 *     opt in to mTLS
 */
public record DownstreamKey(
    String service, Optional<Locality> locality, Optional<String> certificateProvider) {
  /** The node metadata key naming a bootstrap's certificate provider instance. */
  public static final String CERTIFICATE_PROVIDER = "CAIRN_CERTIFICATE_PROVIDER";

  /** Longest instance name taken; a longer one is no opt-in. */
  public static final int MAX_PROVIDER_LENGTH = 128;

  public DownstreamKey {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(locality, "locality");
    Objects.requireNonNull(certificateProvider, "certificateProvider");
    if (!service.isEmpty() && !Names.isDnsLabel(service)) {
      throw new IllegalArgumentException("not a service name: " + service);
    }
    if (certificateProvider.isPresent()
        && (certificateProvider.get().isEmpty()
            || certificateProvider.get().length() > MAX_PROVIDER_LENGTH)) {
      throw new IllegalArgumentException(
          "a certificate provider instance has 1-" + MAX_PROVIDER_LENGTH + " characters");
    }
    if (service.isEmpty() && locality.isEmpty() && certificateProvider.isEmpty()) {
      throw new IllegalArgumentException("a service, a locality, a certificate provider or more");
    }
  }

  /** Without mTLS. */
  public DownstreamKey(String service, Optional<Locality> locality) {
    this(service, locality, Optional.empty());
  }

  /**
   * A name unique to the key, for the cache's groups: lengths keep a region with a {@code /} apart
   * from a zone, and an instance name apart from the rest.
   */
  public String name() {
    return service
        + locality
            .map(l -> "@" + l.region().length() + ":" + l.region() + "/" + l.zone())
            .orElse("")
        + certificateProvider.map(c -> "#tls" + c.length() + ":" + c).orElse("");
  }
}
