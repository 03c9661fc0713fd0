package io.cairn.registry.model;

import io.cairn.registry.validation.Metadata;
import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.NetworkAddresses;
import io.cairn.registry.validation.Problems;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One registered instance of a service.
 *
 * @param id unique among all instances
 * @param name the service it belongs to (a DNS label)
 * @param tags free-form labels, usable in DNS and filters
 * @param address IP literal or hostname where it is reached
 * @param port its port; 0 when it registered none (plain services only, as in Consul)
 * @param meta key/value metadata (Consul limits)
 * @param weights traffic weights by health
 * @param locality region and zone, if known
 * @param kind plain service or connect-proxy sidecar
 */
public record ServiceInstance(
    String id,
    String name,
    List<String> tags,
    String address,
    int port,
    Map<String, String> meta,
    Weights weights,
    Optional<Locality> locality,
    ServiceKind kind) {

  public ServiceInstance {
    Problems p = new Problems();
    Names.id(p, "id", id);
    Names.serviceName(p, "name", name);
    tags = Names.tags(p, "tags", tags);
    NetworkAddresses.address(p, "address", address);
    if (kind instanceof ConnectProxy) {
      NetworkAddresses.port(p, "port", port);
    } else {
      NetworkAddresses.optionalPort(p, "port", port);
    }
    meta = Metadata.check(p, "meta", meta);
    if (weights == null) {
      p.add("weights", "is required");
    }
    if (locality == null) {
      p.add("locality", "must not be null (use Optional.empty())");
    }
    if (kind == null) {
      p.add("kind", "is required");
    }
    p.throwIfAny();
  }

  public static Builder builder(String id, String name) {
    return new Builder(id, name);
  }

  public Builder toBuilder() {
    return new Builder(id, name)
        .tags(tags)
        .address(address)
        .port(port)
        .meta(meta)
        .weights(weights)
        .locality(locality)
        .kind(kind);
  }

  /** Whether this instance speaks Connect's mTLS itself (Consul's {@code Connect.Native}). */
  public boolean connectNative() {
    return kind instanceof ConnectNative;
  }

  /** The sidecar settings, when this instance is a connect proxy. */
  public Optional<ConnectProxy> proxy() {
    return kind instanceof ConnectProxy proxy ? Optional.of(proxy) : Optional.empty();
  }

  /** Builds instances with Consul's defaults: no tags, no meta, weights 1/1, plain kind. */
  public static final class Builder {
    private final String id;
    private final String name;
    private List<String> tags = List.of();
    private String address = "";
    private int port;
    private Map<String, String> meta = Map.of();
    private Weights weights = Weights.DEFAULT;
    private Optional<Locality> locality = Optional.empty();
    private ServiceKind kind = ServiceKind.PLAIN;

    private Builder(String id, String name) {
      this.id = id;
      this.name = name;
    }

    public Builder tags(List<String> tags) {
      this.tags = Objects.requireNonNull(tags);
      return this;
    }

    public Builder tags(String... tags) {
      return tags(List.of(tags));
    }

    public Builder address(String address) {
      this.address = Objects.requireNonNull(address);
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder meta(Map<String, String> meta) {
      this.meta = Objects.requireNonNull(meta);
      return this;
    }

    public Builder weights(Weights weights) {
      this.weights = Objects.requireNonNull(weights);
      return this;
    }

    public Builder locality(Optional<Locality> locality) {
      this.locality = Objects.requireNonNull(locality);
      return this;
    }

    public Builder locality(Locality locality) {
      return locality(Optional.of(locality));
    }

    public Builder kind(ServiceKind kind) {
      this.kind = Objects.requireNonNull(kind);
      return this;
    }

    public ServiceInstance build() {
      return new ServiceInstance(id, name, tags, address, port, meta, weights, locality, kind);
    }
  }
}
