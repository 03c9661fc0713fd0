package io.cairn.xds.translate;

import io.cairn.registry.config.HeaderMatch;
import io.cairn.registry.config.HttpPermission;
import io.cairn.registry.config.Intention;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionPermission;
import io.cairn.registry.config.MatchType;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;
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
 * <p>A source service is known by its identity, the SPIFFE ID in the URI SAN of the client
 * certificate the inbound listener requires ({@code authenticated.principal_name}): a named source
 * is its service in any datacenter of the trust domain, the wildcard any service of the trust
 * domain. A connection without such a certificate matches no intention and gets the default.
 */
public final class RbacTranslator {
  private RbacTranslator() {}

  /**
   * @param ordered the intentions applying to the destination, in evaluation order
   * @param defaultPolicy what happens to a connection no intention applies to
   * @param http whether requests are authorized one by one (an HTTP-family protocol)
   * @param trustDomain the mesh CA's trust domain, which every source's SPIFFE ID names
   */
  public static RBAC rules(
      List<Intention> ordered, IntentionAction defaultPolicy, boolean http, String trustDomain) {
    if (trustDomain.isEmpty()) {
      throw new IllegalArgumentException("a trust domain is required");
    }
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
      List<Principal> excluded = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        if (overlap(ordered.get(j), intention)) {
          excluded.add(principal(ordered.get(j), trustDomain));
        }
      }
      Principal principal = principal(intention, trustDomain);
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
   * The peers an intention's source names: the SPIFFE ID of its service in any datacenter, or of
   * any service for the wildcard.
   */
  private static Principal principal(Intention intention, String trustDomain) {
    String service = intention.source().isWildcard() ? "[^/]+" : quote(intention.source().name());
    String regex = "^spiffe://" + quote(trustDomain) + "/ns/default/dc/[^/]+/svc/" + service + "$";
    return Principal.newBuilder()
        .setAuthenticated(
            Principal.Authenticated.newBuilder()
                .setPrincipalName(
                    StringMatcher.newBuilder()
                        .setSafeRegex(RegexMatcher.newBuilder().setRegex(regex))))
        .build();
  }

  /** {@code text} as a regular expression matching only itself, as Go's QuoteMeta writes it. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  private static Principal anyOf(List<Principal> principals) {
    return principals.size() == 1
        ? principals.get(0)
        : Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addAllIds(principals)).build();
  }
}
