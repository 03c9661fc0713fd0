package io.cairn.admin.acl;

import io.cairn.admin.json.JsonFields;
import io.cairn.registry.acl.AclIds;
import io.cairn.registry.acl.AclPolicy;
import io.cairn.registry.acl.AclState;
import io.cairn.registry.acl.AclToken;
import io.cairn.registry.validation.Problems;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads Consul's policy and token bodies; every problem is reported at once. */
final class AclDecoder {
  private AclDecoder() {}

  /** A policy from {@code body}; {@code id} is the path's (update) or a new one (create). */
  static AclPolicy policy(JsonFields body, String id) {
    Problems p = body.problems();
    body.string("ID")
        .filter(given -> !given.isEmpty() && !given.equals(id))
        .ifPresent(given -> p.add("ID", "'" + given + "' does not match the path"));
    String name = body.string("Name", "");
    String description = body.string("Description", "");
    String rules = body.string("Rules", "");
    List<String> datacenters = body.strings("Datacenters");
    body.defaultTenancy();
    body.rejectUnknown(Set.of("Hash", "CreateIndex", "ModifyIndex"));
    p.throwIfAny();
    return new AclPolicy(id, name, description, rules, datacenters);
  }

  /**
   * A token from {@code body}. Policies may be linked by ID or by Name; a new token gets a random
   * accessor and secret unless the body names them (as Consul allows, for migrations).
   */
  static AclToken token(
      JsonFields body, AclState acl, Optional<AclToken> existing, String accessor) {
    Problems p = body.problems();
    body.string("AccessorID")
        .filter(given -> !given.isEmpty() && !given.equals(accessor))
        .ifPresent(given -> p.add("AccessorID", "'" + given + "' does not match the path"));
    String secret =
        body.string("SecretID")
            .filter(s -> !s.isEmpty() && !s.equals(AclJson.HIDDEN))
            .or(() -> existing.map(AclToken::secretId))
            .orElseGet(AclIds::random);
    String description = body.string("Description", "");
    List<String> policies = new ArrayList<>();
    List<JsonFields> links = body.objects("Policies");
    for (JsonFields link : links) {
      Optional<String> id = link.string("ID").filter(s -> !s.isEmpty());
      Optional<String> name = link.string("Name").filter(s -> !s.isEmpty());
      if (id.isPresent()) {
        policies.add(id.get());
      } else if (name.isPresent()) {
        acl.policyByName(name.get())
            .ifPresentOrElse(
                found -> policies.add(found.id()),
                () -> p.add(link.path() + ".Name", "no policy named '" + name.get() + "'"));
      } else {
        p.add(link.path(), "needs an ID or a Name");
      }
    }
    List<String> identities = new ArrayList<>();
    for (JsonFields identity : body.objects("ServiceIdentities")) {
      identities.add(identity.string("ServiceName", ""));
      identity.rejectUnknown(Set.of("Datacenters"));
    }
    boolean local = body.bool("Local", false);
    // Expiry is not supported: ignoring ExpirationTTL would make a token the client meant to be
    // short-lived last forever, so a value is refused like any other unsupported field.
    body.defaultTenancy();
    body.rejectUnknown(Set.of("CreateTime", "Hash", "CreateIndex", "ModifyIndex"));
    p.throwIfAny();
    String created =
        existing
            .map(AclToken::createTime)
            .orElseGet(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return new AclToken(accessor, secret, description, policies, identities, local, created);
  }
}
