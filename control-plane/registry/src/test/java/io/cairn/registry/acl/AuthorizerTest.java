package io.cairn.registry.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.model.Indexed;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.pcollections.TreePMap;

class AuthorizerTest {
  private static final String WEB_WRITE = "11111111-1111-1111-1111-111111111111";
  private static final String DENY_WEB = "22222222-2222-2222-2222-222222222222";

  private final AclState state =
      new AclState(
          TreePMap.<String, Indexed<AclPolicy>>empty()
              .plus(
                  WEB_WRITE,
                  policy(
                      WEB_WRITE,
                      "web-write",
                      "service_prefix \"web\" { policy = \"write\" }\nservice_prefix \"\" { policy = \"read\" }"))
              .plus(
                  DENY_WEB,
                  policy(DENY_WEB, "no-web-admin", "service \"web-admin\" { policy = \"deny\" }")),
          TreePMap.empty());

  private static Indexed<AclPolicy> policy(String id, String name, String rules) {
    return new Indexed<>(new AclPolicy(id, name, "", rules, List.of()), 2, 2);
  }

  private static AclToken token(List<String> policies, List<String> identities) {
    return new AclToken(
        "33333333-3333-3333-3333-333333333333",
        "44444444-4444-4444-4444-444444444444",
        "",
        policies,
        identities,
        false,
        "2026-11-24T00:00:00Z");
  }

  @Test
  void exactBeatsPrefixAndLongestPrefixWins() {
    Authorizer a = state.authorizer(token(List.of(WEB_WRITE), List.of()), Authorizer.DENY_ALL);
    assertThat(a.service("web-1")).isEqualTo(Access.WRITE);
    assertThat(a.service("api")).isEqualTo(Access.READ);
    assertThat(a.intentions("api")).isEqualTo(Access.READ);
    assertThat(a.operator()).isEqualTo(Access.DENY);
  }

  @Test
  void anExplicitDenyInAnyPolicyWins() {
    Authorizer a =
        state.authorizer(token(List.of(WEB_WRITE, DENY_WEB), List.of()), Authorizer.ALLOW_ALL);
    assertThat(a.service("web-admin")).isEqualTo(Access.DENY);
    assertThat(a.service("web")).isEqualTo(Access.WRITE);
    // Where no rule speaks, the default policy does.
    assertThat(a.operator()).isEqualTo(Access.WRITE);
  }

  @Test
  void aServiceIdentityWritesItsServiceAndSidecarAndReadsTheRest() {
    Authorizer a = state.authorizer(token(List.of(), List.of("api")), Authorizer.DENY_ALL);
    assertThat(a.service("api")).isEqualTo(Access.WRITE);
    assertThat(a.service("api-sidecar-proxy")).isEqualTo(Access.WRITE);
    assertThat(a.service("web")).isEqualTo(Access.READ);
    assertThat(a.acl()).isEqualTo(Access.DENY);
  }

  @Test
  void theManagementPolicyAllowsEverythingAndReadOnlyWritesNothing() {
    AclToken management = token(List.of(BuiltinPolicies.GLOBAL_MANAGEMENT.id()), List.of());
    assertThat(state.authorizer(management, Authorizer.DENY_ALL)).isEqualTo(Authorizer.ALLOW_ALL);
    Authorizer readOnly =
        state.authorizer(
            token(List.of(BuiltinPolicies.GLOBAL_READ_ONLY.id()), List.of()), Authorizer.DENY_ALL);
    assertThat(readOnly.service("x")).isEqualTo(Access.READ);
    assertThat(readOnly.acl()).isEqualTo(Access.READ);
    assertThat(readOnly.service("x").allows(Access.WRITE)).isFalse();
  }

  @Test
  void aLinkToADeletedPolicyGrantsNothing() {
    Authorizer a =
        state.authorizer(
            token(List.of("99999999-9999-9999-9999-999999999999"), List.of()), Authorizer.DENY_ALL);
    assertThat(a.service("web")).isEqualTo(Access.DENY);
  }

  @Test
  void tokensAreFoundByTheirWholeSecretOnly() {
    AclToken t = token(List.of(), List.of());
    AclState withToken =
        new AclState(
            TreePMap.empty(),
            TreePMap.<String, Indexed<AclToken>>empty()
                .plus(t.accessorId(), new Indexed<>(t, 2, 2)));
    assertThat(withToken.tokenBySecret(t.secretId())).contains(t);
    assertThat(withToken.tokenBySecret(t.secretId().substring(1))).isEmpty();
    assertThat(withToken.tokenBySecret(t.accessorId())).isEmpty();
    assertThat(t.toString()).doesNotContain(t.secretId());
  }

  @Test
  void tokensAreFoundFromManyThreadsAtOnce() throws Exception {
    // Every lookup hashes with a clone of one shared digest: no thread may see another's state.
    TreePMap<String, Indexed<AclToken>> tokens = TreePMap.empty();
    List<AclToken> all = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      AclToken t =
          new AclToken(
              "%08d-0000-0000-0000-000000000000".formatted(i),
              "%08d-0000-0000-0000-00000000000f".formatted(i),
              "",
              List.of(),
              List.of(),
              false,
              "2026-11-24T00:00:00Z");
      all.add(t);
      tokens = tokens.plus(t.accessorId(), new Indexed<>(t, 2, 2));
    }
    AclState withTokens = new AclState(TreePMap.empty(), tokens);
    AtomicInteger wrong = new AtomicInteger();
    try (var pool = Executors.newFixedThreadPool(8)) {
      for (int thread = 0; thread < 8; thread++) {
        pool.execute(
            () -> {
              for (int round = 0; round < 2_000; round++) {
                AclToken t = all.get(round % all.size());
                if (!withTokens.tokenBySecret(t.secretId()).equals(Optional.of(t))
                    || withTokens.tokenBySecret(t.accessorId()).isPresent()) {
                  wrong.incrementAndGet();
                }
              }
            });
      }
    }
    assertThat(wrong).hasValue(0);
  }

  @Test
  void keyRulesAndConsulsWritePrefix() {
    AclRules rules =
        RulesParser.parse(
            "key_prefix \"app/\" { policy = \"write\" }\n"
                + "key \"app/secret\" { policy = \"deny\" }\n"
                + "key_prefix \"app/cfg/\" { policy = \"list\" }\n"
                + "key_prefix \"tmp/\" { policy = \"write\" }");
    Authorizer a = new RulesAuthorizer(rules, Authorizer.DENY_ALL);
    assertThat(a.key("app/x")).isEqualTo(Access.WRITE);
    assertThat(a.key("app/secret")).isEqualTo(Access.DENY);
    assertThat(a.key("app/cfg/db")).isEqualTo(Access.READ);
    assertThat(a.key("other")).isEqualTo(Access.DENY);
    assertThat(a.keyWritePrefix("tmp/")).isTrue();
    assertThat(a.keyWritePrefix("app/")).as("a denied key below the prefix").isFalse();
    assertThat(a.keyWritePrefix("app/x")).isTrue();
    assertThat(a.keyWritePrefix("")).as("nothing speaks for the root under deny").isFalse();
    Authorizer open = new RulesAuthorizer(RulesParser.parse(""), Authorizer.ALLOW_ALL);
    assertThat(open.keyWritePrefix("")).isTrue();
    assertThat(new RulesAuthorizer(rules, Authorizer.ALLOW_ALL).keyWritePrefix("")).isFalse();
  }
}
