package io.cairn.ca;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * A service's identity, {@code spiffe://<trust-domain>/ns/default/dc/<dc>/svc/<service>}, as Consul
 * writes it in a leaf certificate's URI SAN.
 */
public record SpiffeId(String trustDomain, String datacenter, String service) {
  public SpiffeId {
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(datacenter, "datacenter");
    Objects.requireNonNull(service, "service");
  }

  public URI uri() {
    return URI.create(toString());
  }

  @Override
  public String toString() {
    return "spiffe://" + trustDomain + "/ns/default/dc/" + datacenter + "/svc/" + service;
  }

  /** The identity a URI names, if it is a service's SPIFFE ID in the default namespace. */
  public static Optional<SpiffeId> parse(String uri) {
    if (uri == null || !uri.startsWith("spiffe://")) {
      return Optional.empty();
    }
    String rest = uri.substring("spiffe://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      return Optional.empty();
    }
    String[] path = rest.substring(slash + 1).split("/", -1);
    if (path.length != 6
        || !path[0].equals("ns")
        || !path[1].equals("default")
        || !path[2].equals("dc")
        || !path[4].equals("svc")
        || path[3].isEmpty()
        || path[5].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SpiffeId(rest.substring(0, slash), path[3], path[5]));
  }
}
