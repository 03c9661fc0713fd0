package io.cairn.registry;

import io.cairn.registry.acl.AclResolver;
import io.cairn.registry.acl.AclSettings;
import io.cairn.registry.config.IntentionAction;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * What every front end shares, built once by the server: the registry, the meters, the ACL
 * resolver, and the mesh-wide answer of an intention check when no intention matches (the admin
 * API's checks and the sidecars' RBAC give the same one).
 *
 * @param registry the state the front ends read and the admin API writes
 * @param meters where front ends register their metrics
 * @param acl what a presented token may do
 * @param intentionsDefault what an intention check answers when nothing matches
 */
public record Core(
    Registry registry, MeterRegistry meters, AclResolver acl, IntentionAction intentionsDefault) {
  public Core {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(acl, "acl");
    Objects.requireNonNull(intentionsDefault, "intentionsDefault");
  }

  /** With the ACL resolver reading {@code registry}'s latest state. */
  public static Core of(
      Registry registry, MeterRegistry meters, AclSettings acl, IntentionAction intentionsDefault) {
    return new Core(registry, meters, new AclResolver(acl, registry::snapshot), intentionsDefault);
  }

  /** With ACLs off and intentions allowing what they do not deny, Consul's defaults. */
  public static Core of(Registry registry, MeterRegistry meters) {
    return new Core(registry, meters, AclResolver.off(), IntentionAction.ALLOW);
  }
}
