package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Intention;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.model.Indexed;
import io.cairn.xds.translate.RbacTranslator;
import io.cairn.xds.translate.ServerListenerTranslator;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server Listener template of a proxyless gRPC server's service (gRFC A36, {@link
 * ServerListenerTranslator}): RBAC from the intentions whose destination is the service, evaluated
 * as for a sidecar, and mTLS when the server opted in. {@link Inputs} are what the listener is
 * built from, so a group rebuilds it only when they change.
 *
 * <p>Intentions name callers by the SPIFFE ID of their certificate. A server without mTLS (not
 * opted in, or no CA yet) cannot tell callers apart, so it fails closed: any intention that would
 * deny someone, or a default of deny, denies every call; with neither, every call is allowed.
 */
final class ServerListeners {
  private ServerListeners() {}

  /**
   * What a server's listener is built from.
   *
   * @param intentions the intentions applying to the service, in evaluation order
   * @param http whether calls are authorized one by one on L7 permissions (an HTTP-family protocol,
   *     as gRPC is)
   * @param tlsInstance the server's certificate provider instance, when it opted in to mTLS
   * @param trustDomain the CA's trust domain, once the CA is set up
   */
  record Inputs(
      List<Intention> intentions,
      boolean http,
      Optional<String> tlsInstance,
      Optional<String> trustDomain) {}

  /** The inputs for a server of {@code service}; empty when no instance of it is registered. */
  static Optional<Inputs> inputs(
      RegistrySnapshot registry, String service, Optional<String> tlsInstance) {
    if (!registry.serviceNames().contains(service)) {
      return Optional.empty();
    }
    return Optional.of(
        new Inputs(
            intentions(registry, service),
            Entries.protocol(registry, service).isHttpFamily(),
            tlsInstance,
            registry.ca().map(ca -> ca.value().trustDomain())));
  }

  static Listener template(Inputs in, IntentionAction defaultPolicy) {
    return ServerListenerTranslator.template(rules(in, defaultPolicy), in.tlsInstance());
  }

  /** The server's RBAC: by caller identity over mTLS, else failing closed. */
  static RBAC rules(Inputs in, IntentionAction defaultPolicy) {
    return in.tlsInstance().isPresent() && in.trustDomain().isPresent()
        ? RbacTranslator.rules(in.intentions(), defaultPolicy, in.http(), in.trustDomain().get())
        : unidentified(in, defaultPolicy);
  }

  /** Rules for callers without identity: anything that denies someone denies everyone. */
  private static RBAC unidentified(Inputs in, IntentionAction defaultPolicy) {
    RBAC named = RbacTranslator.rules(in.intentions(), defaultPolicy, in.http(), "unidentified");
    if (named.getAction() == RBAC.Action.DENY && named.getPoliciesCount() == 0) {
      return named; // nothing denied: every call allowed
    }
    // An ALLOW rule set without policies denies every call (Envoy's and gRFC A41's semantics).
    return RBAC.newBuilder().setAction(RBAC.Action.ALLOW).build();
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
}
