package io.cairn.xds.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.Intention;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionSource;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.model.Indexed;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A proxyless server's RBAC: by caller identity over mTLS; failing closed without it. */
class ServerListenersTest {
  private static final String TD = "11111111-2222-3333-4444-555555555555.consul";

  private static List<Intention> intentions(IntentionSource... sources) {
    List<Indexed<ConfigEntry>> entries =
        List.of(new Indexed<>(new ServiceIntentions("pay", List.of(sources), Map.of()), 1, 1));
    return Intention.all(entries);
  }

  private static RBAC rules(
      List<Intention> intentions, IntentionAction defaultPolicy, boolean tls) {
    ServerListeners.Inputs in =
        new ServerListeners.Inputs(
            intentions, true, tls ? Optional.of("cairn") : Optional.empty(), Optional.of(TD));
    return ServerListeners.rules(in, defaultPolicy);
  }

  @Test
  void withMtlsAnIntentionNamesItsSourceByIdentity() {
    RBAC rbac =
        rules(
            intentions(IntentionSource.of("batch", IntentionAction.DENY)),
            IntentionAction.ALLOW,
            true);
    assertThat(rbac.getAction()).isEqualTo(RBAC.Action.DENY);
    assertThat(rbac.toString()).contains("svc/batch$").contains("principal_name");
  }

  @Test
  void withoutMtlsAnyDenyOrADefaultDenyDeniesEveryCall() {
    RBAC denyAll = RBAC.newBuilder().setAction(RBAC.Action.ALLOW).build();
    assertThat(
            rules(
                intentions(IntentionSource.of("batch", IntentionAction.DENY)),
                IntentionAction.ALLOW,
                false))
        .as("a deny under default allow cannot be told from anyone: everyone is denied")
        .isEqualTo(denyAll);
    assertThat(
            rules(
                intentions(IntentionSource.of("web", IntentionAction.ALLOW)),
                IntentionAction.DENY,
                false))
        .as("an allow under default deny cannot be told either")
        .isEqualTo(denyAll);
    RBAC open = rules(List.of(), IntentionAction.ALLOW, false);
    assertThat(open.getAction()).isEqualTo(RBAC.Action.DENY);
    assertThat(open.getPoliciesMap()).as("nothing denied: every call allowed").isEmpty();
    assertThat(
            rules(
                    intentions(IntentionSource.of("web", IntentionAction.ALLOW)),
                    IntentionAction.ALLOW,
                    false)
                .getPoliciesMap())
        .as("only allows under default allow: nothing to deny")
        .isEmpty();
  }
}
