package io.cairn.admin.agent;

import io.cairn.admin.json.ConsulPaths;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.command.PortRange;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.Sidecar;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.Locality;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.ServiceKind;
import io.cairn.registry.model.Upstream;
import io.cairn.registry.model.Weights;
import io.cairn.registry.validation.Problems;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Consul's {@code AgentServiceRegistration} to one registry command: the service itself and, with
 * {@code Connect.SidecarService}, its sidecar proxy registered alongside (as Consul does) in the
 * same command, whose port the registry picks when none is given. {@code Connect.Native} makes the
 * service Connect-native (neither with a sidecar nor on a connect-proxy, as in Consul). Every
 * problem in the body is reported at once, under the field names the client used.
 */
final class RegistrationDecoder {
  /** Consul assigns sidecar ports from this range when none is given. */
  static final PortRange SIDECAR_PORTS = new PortRange(21000, 21255);

  /**
   * Read by Consul's agents and meaningless here: Cairn has no agent-to-catalog anti-entropy, so
   * there is nothing for {@code EnableTagOverride} to allow or prevent.
   */
  private static final Set<String> NO_EFFECT = Set.of("EnableTagOverride");

  private RegistrationDecoder() {}

  /**
   * The command to apply for a registration body.
   *
   * @param peerAddress the caller's address, used when the body gives no {@code Address}
   */
  static RegisterInstance decode(
      JsonFields body, String peerAddress, String datacenter, boolean replaceExistingChecks) {
    Problems p = body.problems();
    Optional<JsonFields> connect = body.object("Connect");
    boolean isNative = connect.map(c -> c.bool("Native", false)).orElse(false);
    Optional<ServiceInstance> service =
        instance(body, peerAddress, datacenter, Optional.empty(), isNative);
    List<HealthCheck> checks = checks(body, service);
    Optional<JsonFields> sidecarFields = connect.flatMap(c -> c.object("SidecarService"));
    connect.ifPresent(
        c -> {
          if (isNative && sidecarFields.isPresent()) {
            c.problems()
                .add(
                    c.pathOf("Native"),
                    "a Connect-native service speaks mTLS itself and cannot also have a"
                        + " SidecarService; set one or the other");
          }
          c.rejectUnknown(Set.of());
        });
    Optional<Sidecar> sidecar = Optional.empty();
    if (sidecarFields.isPresent() && service.isPresent()) {
      sidecar = sidecar(sidecarFields.get(), peerAddress, datacenter, service.get(), checks);
    }
    body.rejectUnknown(NO_EFFECT);
    p.throwIfAny();
    return new RegisterInstance(service.orElseThrow(), checks, replaceExistingChecks, sidecar);
  }

  /** The parent's {@code SidecarService}; without a {@code Port} the registry picks one. */
  private static Optional<Sidecar> sidecar(
      JsonFields f,
      String peerAddress,
      String datacenter,
      ServiceInstance parent,
      List<HealthCheck> parentChecks) {
    Optional<ServiceInstance> proxy =
        instance(f, peerAddress, datacenter, Optional.of(parent), false);
    List<HealthCheck> checks = checks(f, proxy);
    proxy
        .filter(s -> s.id().equals(parent.id()))
        .ifPresent(s -> f.problems().add(f.pathOf("ID"), "must differ from the service's ID"));
    Set<String> parentCheckIds = new HashSet<>();
    parentChecks.forEach(c -> parentCheckIds.add(c.id()));
    checks.stream()
        .filter(c -> parentCheckIds.contains(c.id()))
        .forEach(
            c ->
                f.problems()
                    .add(f.pathOf("Checks"), "'" + c.id() + "' is used by a check of the service"));
    boolean hasPort = f.has("Port");
    f.rejectUnknown(NO_EFFECT);
    return proxy.map(
        s ->
            hasPort
                ? Sidecar.onItsPort(s, checks)
                : Sidecar.onAssignedPort(s, checks, SIDECAR_PORTS));
  }

  /**
   * One instance; {@code parent} is present when decoding a parent's SidecarService, and {@code
   * isNative} when the registration says {@code Connect.Native}.
   */
  private static Optional<ServiceInstance> instance(
      JsonFields f,
      String peerAddress,
      String datacenter,
      Optional<ServiceInstance> parent,
      boolean isNative) {
    Problems p = f.problems();
    String name =
        f.string("Name")
            .filter(s -> !s.isEmpty())
            .or(() -> parent.map(s -> s.name() + "-sidecar-proxy"))
            .orElse("");
    String id =
        f.string("ID")
            .filter(s -> !s.isEmpty())
            .or(() -> parent.map(s -> s.id() + "-sidecar-proxy"))
            .orElse(name);
    String kindText = f.string("Kind", parent.isPresent() ? "connect-proxy" : "");
    if (!kindText.isEmpty() && !kindText.equals("connect-proxy")) {
      p.add(
          f.pathOf("Kind"),
          "'"
              + kindText
              + "' is not supported; Cairn registers plain services and connect-proxy sidecars");
    }
    String address =
        f.string("Address")
            .filter(s -> !s.isEmpty())
            .or(() -> parent.map(ServiceInstance::address))
            .orElse(peerAddress);
    List<String> tags = f.has("Tags") || parent.isEmpty() ? f.strings("Tags") : parent.get().tags();
    var meta = f.has("Meta") || parent.isEmpty() ? f.stringMap("Meta") : parent.get().meta();
    // A sidecar without a port gets a placeholder here and its real one from the registry.
    int port = f.integer("Port").orElse(parent.isPresent() ? SIDECAR_PORTS.first() : 0);
    Optional<Weights> weights =
        f.object("Weights")
            .map(
                w ->
                    ConsulPaths.collect(
                        p,
                        w.path(),
                        () -> new Weights(w.integer("Passing", 1), w.integer("Warning", 1))))
            .orElse(Optional.of(Weights.DEFAULT));
    // A SidecarService without a Locality runs where its service does, as in Consul.
    Optional<Locality> locality =
        !f.has("Locality")
            ? parent.flatMap(ServiceInstance::locality)
            : f.object("Locality")
                .flatMap(
                    l ->
                        ConsulPaths.collect(
                            p,
                            l.path(),
                            () -> new Locality(l.string("Region", ""), l.string("Zone", ""))));
    Optional<ServiceKind> kind = Optional.of(isNative ? ServiceKind.NATIVE : ServiceKind.PLAIN);
    if (kindText.equals("connect-proxy")) {
      kind = proxy(f, datacenter, parent).map(k -> (ServiceKind) k);
      if (isNative) {
        p.add(
            f.pathOf("Connect") + ".Native",
            "a connect-proxy cannot be Connect-native: only a typical service (empty Kind) speaks"
                + " Connect's mTLS itself");
        kind = Optional.empty();
      }
    }
    f.defaultTenancy();
    // Validate the rest even when weights or the proxy are bad, so every problem is reported;
    // the bad parts already added theirs and the instance is not used.
    ServiceKind k = kind.orElse(ServiceKind.PLAIN);
    Weights w = weights.orElse(Weights.DEFAULT);
    Optional<ServiceInstance> built =
        ConsulPaths.collect(
            p,
            f.path(),
            () ->
                ServiceInstance.builder(id, name)
                    .tags(tags)
                    .address(address)
                    .port(port)
                    .meta(meta)
                    .weights(w)
                    .locality(locality)
                    .kind(k)
                    .build());
    return weights.isPresent() && kind.isPresent() ? built : Optional.empty();
  }

  private static Optional<ConnectProxy> proxy(
      JsonFields f, String datacenter, Optional<ServiceInstance> parent) {
    Problems p = f.problems();
    Optional<JsonFields> proxy = f.object("Proxy");
    if (proxy.isEmpty() && parent.isEmpty()) {
      p.add(f.pathOf("Proxy"), "is required for Kind connect-proxy");
      return Optional.empty();
    }
    JsonFields pf = proxy.orElse(null);
    String destination =
        pf != null && pf.has("DestinationServiceName")
            ? pf.string("DestinationServiceName", "")
            : parent.map(ServiceInstance::name).orElse("");
    Optional<String> destinationId =
        (pf != null
                ? pf.string("DestinationServiceID").filter(s -> !s.isEmpty())
                : Optional.<String>empty())
            .or(() -> parent.map(ServiceInstance::id));
    String localAddress =
        pf != null
            ? pf.string("LocalServiceAddress").filter(s -> !s.isEmpty()).orElse("127.0.0.1")
            : "127.0.0.1";
    int localPort =
        pf != null && pf.has("LocalServicePort")
            ? pf.integer("LocalServicePort", 0)
            : parent.map(ServiceInstance::port).orElse(0);
    List<Upstream> upstreams = new ArrayList<>();
    if (pf != null) {
      String mode = pf.string("Mode", "");
      if (!mode.isEmpty() && !mode.equals("direct")) {
        p.add(
            pf.pathOf("Mode"), "'" + mode + "' is not supported; sidecars use explicit upstreams");
      }
      // Consul's opaque proxy Config (protocol, bind_address, envoy_* escape hatches, ...)
      // configures Consul's Envoy bootstrap; Cairn builds none of it, so every key is refused.
      pf.object("Config").ifPresent(c -> c.rejectUnknown(Set.of()));
      for (JsonFields u : pf.objects("Upstreams")) {
        String type = u.string("DestinationType", "service");
        if (!type.isEmpty() && !type.equals("service")) {
          p.add(
              u.pathOf("DestinationType"),
              "only 'service' upstreams are supported, was '" + type + "'");
        }
        String name = u.string("DestinationName", "");
        String bind =
            u.string("LocalBindAddress")
                .filter(s -> !s.isEmpty())
                .orElse(Upstream.DEFAULT_BIND_ADDRESS);
        int bindPort = u.integer("LocalBindPort", 0);
        u.string("Datacenter")
            .filter(dc -> !dc.isEmpty() && !dc.equals(datacenter))
            .ifPresent(
                dc ->
                    p.add(
                        u.pathOf("Datacenter"),
                        "only this datacenter ('" + datacenter + "') exists, was '" + dc + "'"));
        u.defaultOnly("DestinationNamespace", "DestinationPartition");
        u.rejectUnknown(Set.of());
        ConsulPaths.collect(p, u.path(), () -> new Upstream(name, bind, bindPort))
            .ifPresent(upstreams::add);
      }
    }
    if (pf != null) {
      pf.rejectUnknown(Set.of());
    }
    String at = pf != null ? pf.path() : f.pathOf("Proxy");
    return ConsulPaths.collect(
        p,
        at,
        () -> new ConnectProxy(destination, destinationId, localAddress, localPort, upstreams));
  }

  private static List<HealthCheck> checks(JsonFields f, Optional<ServiceInstance> instance) {
    List<JsonFields> definitions = new ArrayList<>();
    f.object("Check").ifPresent(definitions::add);
    definitions.addAll(f.objects("Checks"));
    String id = instance.map(ServiceInstance::id).orElse("?");
    String name = instance.map(ServiceInstance::name).orElse("?");
    List<HealthCheck> checks = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < definitions.size(); i++) {
      // Consul's default check ids: service:<id>, or service:<id>:<n> when there are several.
      String defaultId =
          definitions.size() == 1 ? "service:" + id : "service:" + id + ":" + (i + 1);
      JsonFields def = definitions.get(i);
      CheckDecoder.decode(def, id, name, defaultId)
          .ifPresent(
              c -> {
                if (ids.add(c.id())) {
                  checks.add(c);
                } else {
                  def.problems()
                      .add(def.pathOf("CheckID"), "'" + c.id() + "' is used by another check");
                }
              });
    }
    return checks;
  }
}
