package io.cairn.xds.translate;

import static io.cairn.xds.pgv.ValidResources.valid;
import static org.assertj.core.api.Assertions.assertThat;

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
 * principals and permissions as boolean trees) and must decide every connection the way the
 * registry's first-match evaluation of intentions does.
 */
class RbacTranslatorTest {
  private static final Map<String, List<String>> ADDRESSES =
      Map.of(
          "api", List.of("10.0.0.1", "10.0.0.2"),
          "batch", List.of("10.0.1.1"),
          "evil", List.of("10.0.2.1", "fd00::1"));
  private static final Map<String, String> SOURCE_OF_IP =
      Map.of(
          "10.0.0.1", "api",
          "10.0.0.2", "api",
          "10.0.1.1", "batch",
          "10.0.2.1", "evil",
          "fd00::1", "evil",
          "10.9.9.9", "stranger");

  private static SourceAddresses addresses(String service) {
    if (service.equals("legacy")) {
      // One instance at 10.0.3.1, one registered by hostname that connects from 10.0.3.9.
      return new SourceAddresses(List.of("10.0.3.1"), 1);
    }
    return new SourceAddresses(ADDRESSES.getOrDefault(service, List.of()), 0);
  }

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

  @Test
  void connectionsAreDecidedAsTheFirstMatchingIntentionDecides() {
    List<List<Intention>> cases =
        List.of(
            List.of(),
            intentions(to("web", allow("api"), deny("*"))),
            intentions(to("web", deny("evil"))),
            intentions(to("*", deny("*")), to("web", allow("api"))),
            // web's wildcard source (precedence 8) beats batch to any destination (6).
            intentions(to("*", allow("batch"), deny("evil")), to("web", deny("*"))),
            intentions(to("web", allow("api"), allow("batch"), deny("evil")), to("*", allow("*"))));
    int checked = 0;
    for (List<Intention> ordered : cases) {
      for (IntentionAction defaultPolicy : IntentionAction.values()) {
        for (boolean http : new boolean[] {false, true}) {
          RBAC rules =
              valid(
                  RbacTranslator.rules(
                      ordered, defaultPolicy, http, RbacTranslatorTest::addresses));
          valid(
              SidecarListenerTranslator.inbound(
                  "0.0.0.0", 21000, http ? Protocol.HTTP : Protocol.TCP, rules));
          for (Map.Entry<String, String> ip : SOURCE_OF_IP.entrySet()) {
            boolean expected = Intention.allows(ordered, ip.getValue(), "web", defaultPolicy);
            assertThat(allowed(rules, ip.getKey(), "/", "GET"))
                .as(
                    "%s from %s (%s), default %s",
                    ordered, ip.getValue(), ip.getKey(), defaultPolicy)
                .isEqualTo(expected);
            checked++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(6 * 2 * 2 * SOURCE_OF_IP.size());
  }

  @Test
  void l7PermissionsAreOrderedAndFallBackToTheDefault() {
    IntentionSource api =
        new IntentionSource(
            "api",
            Optional.empty(),
            List.of(
                new IntentionPermission(
                    IntentionAction.DENY,
                    new HttpPermission(
                        Optional.of(new PathMatch(MatchType.PREFIX, "/admin")),
                        List.of(),
                        List.of())),
                new IntentionPermission(
                    IntentionAction.ALLOW,
                    new HttpPermission(Optional.empty(), List.of(), List.of("GET")))),
            "");
    List<Intention> ordered = intentions(to("web", api));

    RBAC denyByDefault =
        valid(
            RbacTranslator.rules(
                ordered, IntentionAction.DENY, true, RbacTranslatorTest::addresses));
    assertThat(allowed(denyByDefault, "10.0.0.1", "/orders", "GET")).isTrue();
    assertThat(allowed(denyByDefault, "10.0.0.1", "/admin/users", "GET")).isFalse();
    assertThat(allowed(denyByDefault, "10.0.0.1", "/orders", "POST")).isFalse();
    assertThat(allowed(denyByDefault, "10.0.1.1", "/orders", "GET")).isFalse();

    RBAC allowByDefault =
        valid(
            RbacTranslator.rules(
                ordered, IntentionAction.ALLOW, true, RbacTranslatorTest::addresses));
    assertThat(allowed(allowByDefault, "10.0.0.1", "/orders", "GET")).isTrue();
    assertThat(allowed(allowByDefault, "10.0.0.1", "/admin/users", "GET")).isFalse();
    assertThat(allowed(allowByDefault, "10.0.0.1", "/orders", "POST")).isTrue();
    assertThat(allowed(allowByDefault, "10.0.1.1", "/admin", "GET")).isTrue();

    // Over plain TCP, requests cannot be told apart: the L7 source is denied, as in Consul.
    RBAC tcp =
        valid(
            RbacTranslator.rules(
                ordered, IntentionAction.ALLOW, false, RbacTranslatorTest::addresses));
    assertThat(allowed(tcp, "10.0.0.1", "/orders", "GET")).isFalse();
    assertThat(allowed(tcp, "10.0.1.1", "/orders", "GET")).isTrue();
  }

  @Test
  void aSourceWithoutInstancesMatchesNobodyAndWildcardsMatchEverybody() {
    RBAC rules =
        valid(
            RbacTranslator.rules(
                intentions(to("web", deny("ghost"))),
                IntentionAction.ALLOW,
                false,
                RbacTranslatorTest::addresses));
    assertThat(rules.getAction()).isEqualTo(RBAC.Action.DENY);
    assertThat(allowed(rules, "10.9.9.9", "/", "GET")).isTrue();
    RBAC all =
        valid(
            RbacTranslator.rules(
                intentions(to("web", deny("*"))),
                IntentionAction.ALLOW,
                false,
                RbacTranslatorTest::addresses));
    assertThat(allowed(all, "10.9.9.9", "/", "GET")).isFalse();
  }

  @Test
  void aDeniedSourceWithAnInstanceWithoutAnIpFailsClosed() {
    String legacyByIp = "10.0.3.1";
    String legacyByHostname = "10.0.3.9";
    String stranger = "10.9.9.9";

    RBAC denyLegacy = rules(intentions(to("web", deny("legacy"))), IntentionAction.ALLOW);
    assertThat(allowed(denyLegacy, legacyByIp, "/", "GET")).isFalse();
    assertThat(allowed(denyLegacy, legacyByHostname, "/", "GET")).isFalse();
    assertThat(allowed(denyLegacy, stranger, "/", "GET")).as("cannot be told apart").isFalse();

    // A higher intention's sources are still known by their addresses.
    RBAC apiFirst =
        rules(intentions(to("web", allow("api"), deny("legacy"))), IntentionAction.ALLOW);
    assertThat(allowed(apiFirst, "10.0.0.1", "/", "GET")).isTrue();
    assertThat(allowed(apiFirst, legacyByHostname, "/", "GET")).isFalse();
    assertThat(allowed(apiFirst, stranger, "/", "GET")).isFalse();

    // Default deny: a lower allow-all must not let the denied source's hostname instance in.
    RBAC allowOthers =
        rules(intentions(to("web", deny("legacy"), allow("*"))), IntentionAction.DENY);
    assertThat(allowed(allowOthers, legacyByHostname, "/", "GET")).isFalse();
    assertThat(allowed(allowOthers, legacyByIp, "/", "GET")).isFalse();
    assertThat(allowed(allowOthers, stranger, "/", "GET")).isFalse();

    assertThat(
            RbacTranslator.failingClosed(
                intentions(to("web", allow("api"), deny("legacy"))), RbacTranslatorTest::addresses))
        .containsExactly(Map.entry("legacy", 1));
  }

  @Test
  void anAllowedSourceWithAnInstanceWithoutAnIpAllowsOnlyItsKnownAddresses() {
    List<Intention> ordered = intentions(to("web", allow("legacy"), deny("*")));
    for (IntentionAction defaultPolicy : IntentionAction.values()) {
      RBAC r = rules(ordered, defaultPolicy);
      assertThat(allowed(r, "10.0.3.1", "/", "GET")).isTrue();
      assertThat(allowed(r, "10.0.3.9", "/", "GET")).isFalse();
      assertThat(allowed(r, "10.0.0.1", "/", "GET")).isFalse();
    }
    assertThat(RbacTranslator.failingClosed(ordered, RbacTranslatorTest::addresses)).isEmpty();
  }

  private static RBAC rules(List<Intention> ordered, IntentionAction defaultPolicy) {
    return valid(RbacTranslator.rules(ordered, defaultPolicy, true, RbacTranslatorTest::addresses));
  }

  // --- A reading of Envoy's RBAC for the parts Cairn emits.

  private static boolean allowed(RBAC rules, String ip, String path, String method) {
    boolean matched = false;
    for (Policy policy : rules.getPoliciesMap().values()) {
      boolean principal = policy.getPrincipalsList().stream().anyMatch(p -> matches(p, ip));
      boolean permission =
          policy.getPermissionsList().stream().anyMatch(p -> matches(p, path, method));
      matched |= principal && permission;
    }
    return rules.getAction() == RBAC.Action.ALLOW ? matched : !matched;
  }

  private static boolean matches(Principal p, String ip) {
    return switch (p.getIdentifierCase()) {
      case ANY -> p.getAny();
      case DIRECT_REMOTE_IP -> {
        int len = p.getDirectRemoteIp().getPrefixLen().getValue();
        String prefix = p.getDirectRemoteIp().getAddressPrefix();
        assertThat(len).as("a host prefix").isEqualTo(prefix.contains(":") ? 128 : 32);
        yield prefix.equals(ip);
      }
      case OR_IDS -> p.getOrIds().getIdsList().stream().anyMatch(q -> matches(q, ip));
      case AND_IDS -> p.getAndIds().getIdsList().stream().allMatch(q -> matches(q, ip));
      case NOT_ID -> !matches(p.getNotId(), ip);
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
      case SAFE_REGEX -> value.matches(m.getSafeRegex().getRegex());
      default -> throw new AssertionError("unexpected matcher " + m);
    };
  }
}
