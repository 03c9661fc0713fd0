package io.cairn.registry.acl;

import java.util.Objects;
import java.util.Optional;

/** A token's merged rules, falling back to the default policy where they say nothing. */
record RulesAuthorizer(AclRules rules, Authorizer fallback) implements Authorizer {
  RulesAuthorizer {
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(fallback, "fallback");
  }

  @Override
  public Access service(String name) {
    return rules.services().match(name).map(ServiceRule::policy).orElse(fallback.service(name));
  }

  @Override
  public Access intentions(String service) {
    return rules
        .services()
        .match(service)
        .map(ServiceRule::intentionsAccess)
        .orElse(fallback.intentions(service));
  }

  @Override
  public Access node(String name) {
    return rules.nodes().match(name).orElse(fallback.node(name));
  }

  @Override
  public Access agent(String node) {
    return rules.agents().match(node).orElse(fallback.agent(node));
  }

  @Override
  public Access key(String key) {
    return rules.keys().match(key).orElse(fallback.key(key));
  }

  @Override
  public boolean keyWritePrefix(String prefix) {
    if (!rules.keys().allUnder(prefix, a -> a == Access.WRITE)) {
      return false;
    }
    return rules
        .keys()
        .match(prefix)
        .map(a -> a == Access.WRITE)
        .orElseGet(() -> fallback.keyWritePrefix(prefix));
  }

  @Override
  public Access session(String node) {
    return rules.sessions().match(node).orElse(fallback.session(node));
  }

  @Override
  public Access operator() {
    return or(rules.operator(), fallback.operator());
  }

  @Override
  public Access acl() {
    return or(rules.acl(), fallback.acl());
  }

  @Override
  public Access mesh() {
    return or(rules.mesh(), fallback.mesh());
  }

  private static Access or(Optional<Access> rule, Access fallback) {
    return rule.orElse(fallback);
  }
}
