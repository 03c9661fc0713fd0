package io.cairn.registry;

import io.cairn.registry.acl.AclPolicy;
import io.cairn.registry.acl.AclState;
import io.cairn.registry.acl.AclToken;
import io.cairn.registry.acl.BuiltinPolicies;
import io.cairn.registry.command.BootstrapAcl;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.DeleteAclPolicy;
import io.cairn.registry.command.DeleteAclToken;
import io.cairn.registry.command.PutAclPolicy;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.Problems;
import io.cairn.registry.validation.ValidationException;
import java.util.Optional;

/**
 * Applies the ACL commands: what only the whole state can tell (unique names and secrets, links to
 * policies that exist, built-ins left alone, bootstrapping once) is checked here.
 */
final class AclCommands {
  private AclCommands() {}

  static CommandResult putPolicy(WorkingState s, PutAclPolicy c, long at) {
    AclPolicy policy = c.policy();
    AclState acl = s.view().acl();
    Problems p = new Problems();
    p.check(
        !BuiltinPolicies.isBuiltin(policy.id()), "ID", "belongs to a built-in policy, which stays");
    p.check(
        !policy.name().startsWith("builtin/"), "Name", "'builtin/' is kept for built-in policies");
    acl.policyByName(policy.name())
        .filter(other -> !other.id().equals(policy.id()))
        .ifPresent(other -> p.add("Name", "a policy named '" + policy.name() + "' exists"));
    p.throwIfAny();
    Optional<Indexed<AclPolicy>> existing = acl.storedPolicy(policy.id());
    if (existing.isEmpty() || !existing.get().value().equals(policy)) {
      s.putPolicy(
          existing.map(e -> e.modified(policy, at)).orElseGet(() -> new Indexed<>(policy, at, at)));
    }
    return CommandApplier.outcome(s, at);
  }

  static CommandResult deletePolicy(WorkingState s, DeleteAclPolicy c, long at) {
    if (BuiltinPolicies.isBuiltin(c.id())) {
      throw ValidationException.of("ID", "belongs to a built-in policy, which cannot be deleted");
    }
    if (s.view().acl().storedPolicy(c.id()).isEmpty()) {
      throw new NotFoundException("no ACL policy with ID '" + c.id() + "'");
    }
    s.removePolicy(c.id(), at);
    return CommandApplier.outcome(s, at);
  }

  static CommandResult putToken(WorkingState s, AclToken token, long at) {
    AclState acl = s.view().acl();
    Problems p = new Problems();
    for (int i = 0; i < token.policyIds().size(); i++) {
      String id = token.policyIds().get(i);
      p.check(acl.policy(id).isPresent(), "Policies[" + i + "]", "no policy with ID '" + id + "'");
    }
    acl.tokenBySecret(token.secretId())
        .filter(other -> !other.accessorId().equals(token.accessorId()))
        .ifPresent(other -> p.add("SecretID", "is already the secret of another token"));
    p.throwIfAny();
    Optional<Indexed<AclToken>> existing = acl.token(token.accessorId());
    if (existing.isPresent() && !existing.get().value().secretId().equals(token.secretId())) {
      throw ValidationException.of(
          "SecretID", "of a token cannot change; make a new token instead");
    }
    if (existing.isEmpty() || !existing.get().value().equals(token)) {
      s.putToken(
          existing.map(e -> e.modified(token, at)).orElseGet(() -> new Indexed<>(token, at, at)));
    }
    return CommandApplier.outcome(s, at);
  }

  static CommandResult deleteToken(WorkingState s, DeleteAclToken c, long at) {
    if (c.accessorId().equals(AclToken.ANONYMOUS_ACCESSOR)) {
      throw ValidationException.of(
          "AccessorID", "is the anonymous token's, which cannot be deleted");
    }
    if (s.view().acl().token(c.accessorId()).isEmpty()) {
      throw new NotFoundException("no ACL token with AccessorID '" + c.accessorId() + "'");
    }
    s.removeToken(c.accessorId(), at);
    return CommandApplier.outcome(s, at);
  }

  static CommandResult bootstrap(WorkingState s, BootstrapAcl c, long at) {
    if (s.view().acl().hasManagementToken()) {
      throw new AclBootstrapDoneException();
    }
    if (!c.token().policyIds().contains(BuiltinPolicies.GLOBAL_MANAGEMENT.id())) {
      throw new IllegalArgumentException("a bootstrap token links the management policy");
    }
    return putToken(s, c.token(), at);
  }
}
