package io.cairn.registry.acl;

import java.util.List;
import java.util.Optional;

/** The policies every Cairn has, with Consul's ids and names; they cannot be changed or deleted. */
public final class BuiltinPolicies {
  public static final AclPolicy GLOBAL_MANAGEMENT =
      new AclPolicy(
          "00000000-0000-0000-0000-000000000001",
          "global-management",
          "Builtin Policy that grants unlimited access",
          """
          acl = "write"
          operator = "write"
          mesh = "write"
          service_prefix "" { policy = "write" intentions = "write" }
          node_prefix "" { policy = "write" }
          agent_prefix "" { policy = "write" }
          """,
          List.of());

  public static final AclPolicy GLOBAL_READ_ONLY =
      new AclPolicy(
          "00000000-0000-0000-0000-000000000002",
          "builtin/global-read-only",
          "Builtin Policy that grants unlimited read-only access to all components",
          """
          acl = "read"
          operator = "read"
          mesh = "read"
          service_prefix "" { policy = "read" intentions = "read" }
          node_prefix "" { policy = "read" }
          agent_prefix "" { policy = "read" }
          """,
          List.of());

  public static final List<AclPolicy> ALL = List.of(GLOBAL_MANAGEMENT, GLOBAL_READ_ONLY);

  private BuiltinPolicies() {}

  public static Optional<AclPolicy> byId(String id) {
    return ALL.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  public static boolean isBuiltin(String id) {
    return byId(id).isPresent();
  }
}
