package io.cairn.xds.translate;

import io.cairn.registry.config.HeaderMatch;
import io.cairn.registry.config.HttpPermission;
import io.cairn.registry.config.Intention;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionPermission;
import io.cairn.registry.config.MatchType;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * RBAC rules for a sidecar's inbound listener, from the intentions whose destination is its
 * service.
 *
 * <p>Intentions are decided by the first one that applies, in precedence order; Envoy's RBAC has no
 * order, only "any policy matches". So each intention's principal excludes the sources of every
 * higher intention that could also apply, and only intentions that differ from the default become
 * policies: with default deny an ALLOW rule set of the allowing intentions, with default allow a
 * DENY rule set of the denying ones. L7 permissions are ordered the same way within their
 * intention. A source with L7 permissions on a non-HTTP service counts as denied, as in Consul.
 *
 * <p>Cairn issues no certificates, so a source service is known by its network addresses: those of
 * its instances and of their sidecars ({@code direct_remote_ip}). An instance with no IP address
 * cannot be told apart, so rules about its service fail closed: a denying intention whose source
 * has one denies everyone but the other sources the intentions name ({@link #failingClosed}), and
 * in an ALLOW rule set it keeps lower wildcard intentions from allowing anyone.
 */
public final class RbacTranslator {
  private RbacTranslator() {}

  /**
   * @param ordered the intentions applying to the destination, in evaluation order
   * @param defaultPolicy what happens to a connection no intention applies to
   * @param http whether requests are authorized one by one (an HTTP-family protocol)
   * @param addresses the addresses a source service connects from
   */
  public static RBAC rules(
      List<Intention> ordered,
      IntentionAction defaultPolicy,
      boolean http,
      Function<String, SourceAddresses> addresses) {
    IntentionAction policyAction =
        defaultPolicy == IntentionAction.DENY ? IntentionAction.ALLOW : IntentionAction.DENY;
    RBAC.Builder rbac =
        RBAC.newBuilder()
            .setAction(
                policyAction == IntentionAction.ALLOW ? RBAC.Action.ALLOW : RBAC.Action.DENY);
    for (int k = 0; k < ordered.size(); k++) {
      Intention intention = ordered.get(k);
      List<Permission> permissions = permissions(intention, policyAction, http);
      if (permissions.isEmpty()) {
        continue;
      }
      // Widened to everyone, the principal must still leave out every other named source: their
      // connections are known by address and decided by their own intentions, whatever the order.
      boolean widened =
          policyAction == IntentionAction.DENY
              && !intention.source().isWildcard()
              && addresses.apply(intention.source().name()).unmatchable() > 0;
      List<Principal> excluded = new ArrayList<>();
      for (int j = 0; j < ordered.size(); j++) {
        Intention other = ordered.get(j);
        boolean named =
            !other.source().isWildcard()
                && !other.source().name().equals(intention.source().name());
        if (j < k && overlap(other, intention) || j != k && widened && named) {
          // Excluding more from an ALLOW policy is the safe side; from a DENY policy, less is.
          excluded.add(
              principal(
                  other, addresses, policyAction == IntentionAction.ALLOW && deniesAny(other)));
        }
      }
      Principal principal = principal(intention, addresses, widened);
      if (!excluded.isEmpty()) {
        principal =
            Principal.newBuilder()
                .setAndIds(
                    Principal.Set.newBuilder()
                        .addIds(principal)
                        .addIds(Principal.newBuilder().setNotId(anyOf(excluded))))
                .build();
      }
      rbac.putPolicies(
          "%d:%s->%s".formatted(k, intention.source().name(), intention.destination()),
          Policy.newBuilder().addPrincipals(principal).addAllPermissions(permissions).build());
    }
    return rbac.build();
  }

  /** What of the source's traffic this intention gives {@code policyAction}, if anything. */
  private static List<Permission> permissions(
      Intention intention, IntentionAction policyAction, boolean http) {
    Permission any = Permission.newBuilder().setAny(true).build();
    if (intention.source().action().isPresent()) {
      return intention.source().action().get() == policyAction ? List.of(any) : List.of();
    }
    if (!http) {
      return policyAction == IntentionAction.DENY ? List.of(any) : List.of();
    }
    List<IntentionPermission> rules = intention.source().permissions();
    List<Permission> out = new ArrayList<>();
    for (int m = 0; m < rules.size(); m++) {
      if (rules.get(m).action() != policyAction) {
        continue;
      }
      Permission p = request(rules.get(m).http());
      if (m > 0) {
        List<Permission> earlier = new ArrayList<>();
        for (int l = 0; l < m; l++) {
          earlier.add(request(rules.get(l).http()));
        }
        p =
            Permission.newBuilder()
                .setAndRules(
                    Permission.Set.newBuilder()
                        .addRules(p)
                        .addRules(
                            Permission.newBuilder()
                                .setNotRule(
                                    Permission.newBuilder()
                                        .setOrRules(
                                            Permission.Set.newBuilder().addAllRules(earlier)))))
                .build();
      }
      out.add(p);
    }
    return out;
  }

  /** The requests an L7 permission names: every given criterion must hold. */
  private static Permission request(HttpPermission http) {
    List<Permission> all = new ArrayList<>();
    http.path()
        .ifPresent(
            path ->
                all.add(
                    Permission.newBuilder()
                        .setUrlPath(PathMatcher.newBuilder().setPath(Matchers.path(path)))
                        .build()));
    for (HeaderMatch h : http.headers()) {
      all.add(
          Permission.newBuilder()
              .setHeader(Matchers.header(h.name(), h.type(), h.value(), h.invert()))
              .build());
    }
    if (!http.methods().isEmpty()) {
      String methods = String.join("|", http.methods().stream().map(Pattern::quote).toList());
      all.add(
          Permission.newBuilder()
              .setHeader(Matchers.header(":method", MatchType.REGEX, methods, false))
              .build());
    }
    return all.size() == 1
        ? all.get(0)
        : Permission.newBuilder().setAndRules(Permission.Set.newBuilder().addAllRules(all)).build();
  }

  /** Whether one connection could come under both intentions' sources. */
  private static boolean overlap(Intention a, Intention b) {
    return a.source().isWildcard()
        || b.source().isWildcard()
        || a.source().name().equals(b.source().name());
  }

  /**
   * The sources of denying intentions that have instances without an IP address, with how many: the
   * rules about them fail closed.
   */
  public static Map<String, Integer> failingClosed(
      List<Intention> ordered, Function<String, SourceAddresses> addresses) {
    Map<String, Integer> out = new TreeMap<>();
    for (Intention intention : ordered) {
      if (!intention.source().isWildcard() && deniesAny(intention)) {
        int n = addresses.apply(intention.source().name()).unmatchable();
        if (n > 0) {
          out.put(intention.source().name(), n);
        }
      }
    }
    return out;
  }

  /**
   * Whether some of the source's traffic is denied: a deny, or L7 permissions (no match denies).
   */
  private static boolean deniesAny(Intention intention) {
    return intention.source().action().map(a -> a == IntentionAction.DENY).orElse(true);
  }

  /**
   * @param widen match everyone when the source has an instance without an IP address
   */
  private static Principal principal(
      Intention intention, Function<String, SourceAddresses> addresses, boolean widen) {
    if (intention.source().isWildcard()) {
      return Principal.newBuilder().setAny(true).build();
    }
    SourceAddresses source = addresses.apply(intention.source().name());
    if (widen && source.unmatchable() > 0) {
      return Principal.newBuilder().setAny(true).build();
    }
    List<Principal> ips = new ArrayList<>();
    for (String address : source.ips()) {
      ips.add(
          Principal.newBuilder()
              .setDirectRemoteIp(
                  CidrRange.newBuilder()
                      .setAddressPrefix(address)
                      .setPrefixLen(
                          com.google.protobuf.UInt32Value.of(address.contains(":") ? 128 : 32)))
              .build());
    }
    if (ips.isEmpty()) {
      // A service with no instances has no address: it matches nobody.
      return Principal.newBuilder().setNotId(Principal.newBuilder().setAny(true)).build();
    }
    return anyOf(ips);
  }

  private static Principal anyOf(List<Principal> principals) {
    return principals.size() == 1
        ? principals.get(0)
        : Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addAllIds(principals)).build();
  }
}
