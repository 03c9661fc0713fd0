package io.cairn.xds.translate;

import static io.cairn.xds.pgv.ValidResources.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.registry.config.HttpPermission;
import io.cairn.registry.config.Intention;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionPermission;
import io.cairn.registry.config.IntentionSource;
import io.cairn.registry.config.MatchType;
import io.cairn.registry.config.PathMatch;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.model.Indexed;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The RBAC rules are run through a small interpreter of Envoy's RBAC semantics (any policy matches;
 * principals and permissions as boolean trees; {@code authenticated.principal_name} against the
 * peer certificate's URI SAN) and must decide every connection the way the registry's first-match
 * evaluation of intentions does.
 */
class RbacTranslatorTest {
  private static final String TRUST_DOMAIN = "11111111-2222-3333-4444-555555555555.consul";

  /**
   * A client as the inbound listener sees it.
   *
   * @param uri its certificate's URI SAN, if it presented one
   * @param service the service whose intentions decide it, if it has an identity of the trust
   *     domain
   */
  private record Peer(Optional<String> uri, Optional<String> service) {
    static Peer of(String dc, String service) {
      return new Peer(
          Optional.of("spiffe://" + TRUST_DOMAIN + "/ns/default/dc/" + dc + "/svc/" + service),
          Optional.of(service));
    }

    static Peer stranger(String uri) {
      return new Peer(Optional.of(uri), Optional.empty());
    }

    /**
     * How the registry's intentions decide this peer's request: the first intention that applies;
     * within one with L7 permissions, the first permission that matches, or else the default.
     */
    boolean expected(
        List<Intention> ordered,
        IntentionAction defaultPolicy,
        boolean http,
        String path,
        String method) {
      if (service.isEmpty()) {
        return defaultPolicy == IntentionAction.ALLOW;
      }
      Optional<Intention> first =
          ordered.stream().filter(i -> i.appliesTo(service.get(), "web")).findFirst();
      if (first.isEmpty() || first.get().source().action().isPresent() || !http) {
        return Intention.allows(ordered, service.get(), "web", defaultPolicy);
      }
      return first.get().source().permissions().stream()
          .filter(p -> requests(p.http(), path, method))
          .findFirst()
          .map(p -> p.action() == IntentionAction.ALLOW)
          .orElse(defaultPolicy == IntentionAction.ALLOW);
    }

    private static boolean requests(HttpPermission http, String path, String method) {
      assertThat(http.headers()).as("the oracle reads paths and methods only").isEmpty();
      return http.path().map(p -> path.startsWith(p.value())).orElse(true)
          && (http.methods().isEmpty() || http.methods().contains(method));
    }
  }

  private static final List<List<String>> REQUESTS =
      List.of(List.of("/", "GET"), List.of("/admin/users", "POST"), List.of("/orders", "POST"));

  private static final Peer API = Peer.of("dc1", "api");
  private static final Peer BATCH = Peer.of("dc1", "batch");
  private static final Peer OTHER = Peer.of("dc1", "billing");

  private static final List<Peer> PEERS =
      List.of(
          API,
          Peer.of("dc2", "api"),
          BATCH,
          Peer.of("dc1", "evil"),
          Peer.of("eu-west", "evil"),
          OTHER,
          Peer.of("dc1", "api-v2"),
          new Peer(Optional.empty(), Optional.empty()),
          Peer.stranger("spiffe://other.consul/ns/default/dc/dc1/svc/api"),
          Peer.stranger(
              "spiffe://11111111-2222-3333-4444-555555555555xconsul/ns/default/dc/dc1/svc/api"),
          Peer.stranger("spiffe://" + TRUST_DOMAIN + "/ns/default/dc/dc1/svc/api/extra"),
          Peer.stranger("spiffe://" + TRUST_DOMAIN + "/ns/other/dc/dc1/svc/api"),
          Peer.stranger("spiffe://" + TRUST_DOMAIN + "/ns/default/dc/dc1/svc/"));

  private static List<Intention> intentions(ServiceIntentions... entries) {
    List<Indexed<io.cairn.registry.config.ConfigEntry>> indexed = new ArrayList<>();
    for (ServiceIntentions e : entries) {
      indexed.add(new Indexed<>(e, 1, 1));
    }
    return Intention.all(indexed).stream().filter(i -> i.hasDestination("web")).toList();
  }

  private static ServiceIntentions to(String destination, IntentionSource... sources) {
    return new ServiceIntentions(destination, List.of(sources), Map.of());
  }

  private static IntentionSource allow(String source) {
    return IntentionSource.of(source, IntentionAction.ALLOW);
  }

  private static IntentionSource deny(String source) {
    return IntentionSource.of(source, IntentionAction.DENY);
  }

  private static IntentionSource l7(String source, IntentionPermission... permissions) {
    return new IntentionSource(source, Optional.empty(), List.of(permissions), "");
  }

  private static IntentionPermission permission(
      IntentionAction action, Optional<String> pathPrefix, List<String> methods) {
    return new IntentionPermission(
        action,
        new HttpPermission(
            pathPrefix.map(p -> new PathMatch(MatchType.PREFIX, p)), List.of(), methods));
  }

  @Test
  void connectionsAreDecidedAsTheFirstMatchingIntentionDecides() {
    IntentionSource apiReadsOnly =
        l7("api", permission(IntentionAction.ALLOW, Optional.empty(), List.of("GET")));
    IntentionSource batchNotAdmin =
        l7(
            "batch",
            permission(IntentionAction.DENY, Optional.of("/admin"), List.of()),
            permission(IntentionAction.ALLOW, Optional.of("/"), List.of()));
    List<List<Intention>> cases =
        List.of(
            List.of(),
            intentions(to("web", allow("api"), deny("*"))),
            intentions(to("web", deny("evil"))),
            intentions(to("*", deny("*")), to("web", allow("api"))),
            // web's wildcard source (precedence 8) beats batch to any destination (6).
            intentions(to("*", allow("batch"), deny("evil")), to("web", deny("*"))),
            intentions(to("web", allow("api"), allow("batch"), deny("evil")), to("*", allow("*"))),
            intentions(to("web", deny("api"), allow("*")), to("*", deny("batch"))),
            intentions(to("web", apiReadsOnly, allow("*")), to("*", deny("*"))),
            intentions(to("web", apiReadsOnly, deny("evil")), to("*", allow("api"))),
            intentions(to("web", batchNotAdmin, apiReadsOnly), to("*", allow("*"))),
            intentions(to("web", batchNotAdmin, deny("*"))));
    int checked = 0;
    for (List<Intention> ordered : cases) {
      for (IntentionAction defaultPolicy : IntentionAction.values()) {
        for (boolean http : new boolean[] {false, true}) {
          RBAC rules = valid(RbacTranslator.rules(ordered, defaultPolicy, http, TRUST_DOMAIN));
          valid(
              SidecarListenerTranslator.inbound(
                  "0.0.0.0", 21000, http ? Protocol.HTTP : Protocol.TCP, rules));
          for (Peer peer : PEERS) {
            for (List<String> request : REQUESTS) {
              String path = request.get(0);
              String method = request.get(1);
              assertThat(allowed(rules, peer, path, method))
                  .as(
                      "%s %s from %s, default %s, http %s: %s",
                      method, path, peer, defaultPolicy, http, ordered)
                  .isEqualTo(peer.expected(ordered, defaultPolicy, http, path, method));
              checked++;
            }
          }
        }
      }
    }
    assertThat(checked).isEqualTo(cases.size() * 2 * 2 * PEERS.size() * REQUESTS.size());
  }

  @Test
  void l7PermissionsAreOrderedAndFallBackToTheDefault() {
    IntentionSource api =
        l7(
            "api",
            permission(IntentionAction.DENY, Optional.of("/admin"), List.of()),
            permission(IntentionAction.ALLOW, Optional.empty(), List.of("GET")));
    List<Intention> ordered = intentions(to("web", api));

    RBAC denyByDefault = rules(ordered, IntentionAction.DENY);
    assertThat(allowed(denyByDefault, API, "/orders", "GET")).isTrue();
    assertThat(allowed(denyByDefault, API, "/admin/users", "GET")).isFalse();
    assertThat(allowed(denyByDefault, API, "/orders", "POST")).isFalse();
    assertThat(allowed(denyByDefault, BATCH, "/orders", "GET")).isFalse();

    RBAC allowByDefault = rules(ordered, IntentionAction.ALLOW);
    assertThat(allowed(allowByDefault, API, "/orders", "GET")).isTrue();
    assertThat(allowed(allowByDefault, API, "/admin/users", "GET")).isFalse();
    assertThat(allowed(allowByDefault, API, "/orders", "POST")).isTrue();
    assertThat(allowed(allowByDefault, BATCH, "/admin", "GET")).isTrue();

    // Over plain TCP, requests cannot be told apart: the L7 source is denied, as in Consul.
    RBAC tcp = valid(RbacTranslator.rules(ordered, IntentionAction.ALLOW, false, TRUST_DOMAIN));
    assertThat(allowed(tcp, API, "/orders", "GET")).isFalse();
    assertThat(allowed(tcp, BATCH, "/orders", "GET")).isTrue();
  }

  @Test
  void aNamedSourceIsItsSpiffeIdInAnyDatacenterAndTheWildcardAnyServiceOfTheTrustDomain() {
    RBAC api = rules(intentions(to("web", deny("api"))), IntentionAction.ALLOW);
    assertThat(api.getAction()).isEqualTo(RBAC.Action.DENY);
    assertThat(api.getPoliciesMap().values())
        .singleElement()
        .satisfies(
            p ->
                assertThat(
                        p.getPrincipals(0)
                            .getAuthenticated()
                            .getPrincipalName()
                            .getSafeRegex()
                            .getRegex())
                    .isEqualTo(
                        "^spiffe://11111111-2222-3333-4444-555555555555\\.consul"
                            + "/ns/default/dc/[^/]+/svc/api$"));
    RBAC all = rules(intentions(to("web", deny("*"))), IntentionAction.ALLOW);
    assertThat(all.getPoliciesMap().values().iterator().next().getPrincipals(0).getAuthenticated())
        .extracting(a -> a.getPrincipalName().getSafeRegex().getRegex())
        .isEqualTo(
            "^spiffe://11111111-2222-3333-4444-555555555555\\.consul/ns/default/dc/[^/]+/svc/[^/]+$");

    // A source is known by its certificate, whether or not it has instances: none of its
    // registrations is needed to deny it.
    RBAC ghost = rules(intentions(to("web", deny("ghost"))), IntentionAction.ALLOW);
    assertThat(allowed(ghost, Peer.of("dc1", "ghost"), "/", "GET")).isFalse();
    assertThat(allowed(ghost, Peer.of("dc3", "ghost"), "/", "GET")).isFalse();
    assertThat(allowed(ghost, API, "/", "GET")).isTrue();

    // The wildcard is every service of the trust domain, not every peer: one without a certificate
    // of the mesh (which the listener's mTLS refuses anyway) gets the default.
    Peer noCertificate = new Peer(Optional.empty(), Optional.empty());
    Peer foreign = Peer.stranger("spiffe://other.consul/ns/default/dc/dc1/svc/api");
    assertThat(allowed(all, OTHER, "/", "GET")).isFalse();
    assertThat(allowed(all, noCertificate, "/", "GET")).isTrue();
    assertThat(allowed(all, foreign, "/", "GET")).isTrue();
    RBAC allowAll = rules(intentions(to("web", allow("*"))), IntentionAction.DENY);
    assertThat(allowed(allowAll, OTHER, "/", "GET")).isTrue();
    assertThat(allowed(allowAll, noCertificate, "/", "GET")).isFalse();
    assertThat(allowed(allowAll, foreign, "/", "GET")).isFalse();
  }

  @Test
  void namesAreMatchedLiterallyAndWhole() {
    assertThat(RbacTranslator.quote("a.b+c*d?e(f)g|h[i]j{k}l^m$n\\o-p"))
        .isEqualTo("a\\.b\\+c\\*d\\?e\\(f\\)g\\|h\\[i\\]j\\{k\\}l\\^m\\$n\\\\o-p");
    RBAC allowApi = rules(intentions(to("web", allow("api"))), IntentionAction.DENY);
    assertThat(allowed(allowApi, API, "/", "GET")).isTrue();
    assertThat(allowed(allowApi, Peer.of("dc1", "api-v2"), "/", "GET")).isFalse();
    assertThat(allowed(allowApi, Peer.of("dc1", "xapi"), "/", "GET")).isFalse();
    for (Peer stranger : PEERS.stream().filter(p -> p.service().isEmpty()).toList()) {
      assertThat(allowed(allowApi, stranger, "/", "GET")).as("%s", stranger).isFalse();
    }
  }

  @Test
  void aTrustDomainIsRequired() {
    assertThatThrownBy(() -> RbacTranslator.rules(List.of(), IntentionAction.DENY, true, ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static RBAC rules(List<Intention> ordered, IntentionAction defaultPolicy) {
    return valid(RbacTranslator.rules(ordered, defaultPolicy, true, TRUST_DOMAIN));
  }

  // --- A reading of Envoy's RBAC for the parts Cairn emits.

  private static boolean allowed(RBAC rules, Peer peer, String path, String method) {
    boolean matched = false;
    for (Policy policy : rules.getPoliciesMap().values()) {
      boolean principal = policy.getPrincipalsList().stream().anyMatch(p -> matches(p, peer));
      boolean permission =
          policy.getPermissionsList().stream().anyMatch(p -> matches(p, path, method));
      matched |= principal && permission;
    }
    return rules.getAction() == RBAC.Action.ALLOW ? matched : !matched;
  }

  private static boolean matches(Principal p, Peer peer) {
    return switch (p.getIdentifierCase()) {
      case ANY -> p.getAny();
      // An unset principal_name matches any authenticated peer; Cairn always sets it.
      case AUTHENTICATED ->
          peer.uri().isPresent()
              && p.getAuthenticated().hasPrincipalName()
              && string(p.getAuthenticated().getPrincipalName(), peer.uri().get());
      case OR_IDS -> p.getOrIds().getIdsList().stream().anyMatch(q -> matches(q, peer));
      case AND_IDS -> p.getAndIds().getIdsList().stream().allMatch(q -> matches(q, peer));
      case NOT_ID -> !matches(p.getNotId(), peer);
      default -> throw new AssertionError("unexpected principal " + p);
    };
  }

  private static boolean matches(Permission p, String path, String method) {
    return switch (p.getRuleCase()) {
      case ANY -> p.getAny();
      case URL_PATH -> string(p.getUrlPath().getPath(), path);
      case HEADER -> {
        assertThat(p.getHeader().getName()).isEqualTo(":method");
        yield string(p.getHeader().getStringMatch(), method);
      }
      case AND_RULES ->
          p.getAndRules().getRulesList().stream().allMatch(q -> matches(q, path, method));
      case OR_RULES ->
          p.getOrRules().getRulesList().stream().anyMatch(q -> matches(q, path, method));
      case NOT_RULE -> !matches(p.getNotRule(), path, method);
      default -> throw new AssertionError("unexpected permission " + p);
    };
  }

  private static boolean string(StringMatcher m, String value) {
    return switch (m.getMatchPatternCase()) {
      case EXACT -> m.getExact().equals(value);
      case PREFIX -> value.startsWith(m.getPrefix());
      // Envoy matches a safe regex against the whole value, with RE2.
      case SAFE_REGEX -> com.google.re2j.Pattern.matches(m.getSafeRegex().getRegex(), value);
      default -> throw new AssertionError("unexpected matcher " + m);
    };
  }
}
