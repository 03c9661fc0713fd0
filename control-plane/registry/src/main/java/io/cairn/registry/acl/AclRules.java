package io.cairn.registry.acl;

import java.util.Objects;
import java.util.Optional;

/**
 * The rules of one policy (or of several merged), in the resources Cairn guards: services (and
 * their intentions), nodes, agents, keys, sessions (by node), and the operator, ACL and mesh-wide
 * switches. Rules for resources Cairn does not have (events, queries) are accepted and ignored, so
 * Consul policies can be copied unchanged.
 */
public record AclRules(
    NamedRules<ServiceRule> services,
    NamedRules<Access> nodes,
    NamedRules<Access> agents,
    NamedRules<Access> keys,
    NamedRules<Access> sessions,
    Optional<Access> operator,
    Optional<Access> acl,
    Optional<Access> mesh) {
  public AclRules {
    Objects.requireNonNull(services, "services");
    Objects.requireNonNull(nodes, "nodes");
    Objects.requireNonNull(agents, "agents");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(sessions, "sessions");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(acl, "acl");
    Objects.requireNonNull(mesh, "mesh");
  }

  public static final AclRules NONE =
      new AclRules(
          NamedRules.none(),
          NamedRules.none(),
          NamedRules.none(),
          NamedRules.none(),
          NamedRules.none(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());

  /** These rules and {@code other}'s; where both speak of one resource, deny, then write, wins. */
  public AclRules plus(AclRules other) {
    return new AclRules(
        services.plus(other.services, ServiceRule::merge),
        nodes.plus(other.nodes, Access::merge),
        agents.plus(other.agents, Access::merge),
        keys.plus(other.keys, Access::merge),
        sessions.plus(other.sessions, Access::merge),
        merge(operator, other.operator),
        merge(acl, other.acl),
        merge(mesh, other.mesh));
  }

  private static Optional<Access> merge(Optional<Access> a, Optional<Access> b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isEmpty() ? a : Optional.of(Access.merge(a.get(), b.get()));
  }
}
