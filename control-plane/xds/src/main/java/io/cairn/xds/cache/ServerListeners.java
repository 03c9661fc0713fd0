package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Intention;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.validation.NetworkAddresses;
import io.cairn.xds.translate.RbacTranslator;
import io.cairn.xds.translate.ServerListenerTranslator;
import io.cairn.xds.translate.SourceAddresses;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The server Listener template of a proxyless gRPC server's service (gRFC A36, {@link
 * ServerListenerTranslator}): RBAC from the intentions whose destination is the service, evaluated
 * as for a sidecar, and mTLS when the server opted in. {@link Inputs} are what the listener is
 * built from, so a group rebuilds it only when they change.
 */
final class ServerListeners {
  private ServerListeners() {}

  /**
   * What a server's listener is built from.
   *
   * @param intentions the intentions applying to the service, in evaluation order
   * @param http whether calls are authorized one by one on L7 permissions (an HTTP-family protocol,
   *     as gRPC is)
   * @param sources where each source service an intention names connects from
   * @param tlsInstance the server's certificate provider instance, when it opted in to mTLS
   * @param trustDomain the CA's trust domain, once the CA is set up
   */
  record Inputs(
      List<Intention> intentions,
      boolean http,
      Map<String, SourceAddresses> sources,
      Optional<String> tlsInstance,
      Optional<String> trustDomain) {}

  /** The inputs for a server of {@code service}; empty when no instance of it is registered. */
  static Optional<Inputs> inputs(
      RegistrySnapshot registry, String service, Optional<String> tlsInstance) {
    if (!registry.serviceNames().contains(service)) {
      return Optional.empty();
    }
    List<Intention> intentions = intentions(registry, service);
    Map<String, SourceAddresses> sources = new TreeMap<>();
    for (Intention i : intentions) {
      if (!i.source().isWildcard()) {
        sources.computeIfAbsent(i.source().name(), s -> addresses(registry, s));
      }
    }
    return Optional.of(
        new Inputs(
            intentions,
            Entries.protocol(registry, service).isHttpFamily(),
            sources,
            tlsInstance,
            registry.ca().map(ca -> ca.value().trustDomain())));
  }

  static Listener template(Inputs in, IntentionAction defaultPolicy) {
    RBAC rules =
        RbacTranslator.rules(
            in.intentions(),
            defaultPolicy,
            in.http(),
            s -> in.sources().getOrDefault(s, SourceAddresses.NONE));
    return ServerListenerTranslator.template(rules, in.tlsInstance());
  }

  /** The intentions whose destination is {@code service} or the wildcard, in evaluation order. */
  private static List<Intention> intentions(RegistrySnapshot registry, String service) {
    List<Indexed<ConfigEntry>> entries = new ArrayList<>(2);
    registry.configEntry(ConfigEntryKind.SERVICE_INTENTIONS, service).ifPresent(entries::add);
    registry
        .configEntry(ConfigEntryKind.SERVICE_INTENTIONS, ServiceIntentions.WILDCARD)
        .ifPresent(entries::add);
    return Intention.all(entries);
  }

  /** A proxyless source connects from its instances' addresses (IP literals; how many are not). */
  private static SourceAddresses addresses(RegistrySnapshot registry, String service) {
    TreeSet<String> ips = new TreeSet<>();
    int unmatchable = 0;
    for (Indexed<ServiceInstance> i : registry.instancesOf(service)) {
      if (NetworkAddresses.isIpLiteral(i.value().address())) {
        ips.add(i.value().address());
      } else {
        unmatchable++;
      }
    }
    return new SourceAddresses(List.copyOf(ips), unmatchable);
  }
}
