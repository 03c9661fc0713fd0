package io.cairn.admin.acl;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.cairn.registry.acl.AclPolicy;
import io.cairn.registry.acl.AclState;
import io.cairn.registry.acl.AclToken;
import io.cairn.registry.model.Indexed;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/** Policies and tokens in Consul's JSON shapes. */
final class AclJson {
  /** What Consul shows for a secret the caller may not see. */
  static final String HIDDEN = "<hidden>";

  private AclJson() {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PolicyJson(
      @JsonProperty("ID") String id,
      @JsonProperty("Name") String name,
      @JsonProperty("Description") String description,
      @JsonProperty("Rules") String rules,
      @JsonProperty("Datacenters") List<String> datacenters,
      @JsonProperty("Hash") String hash,
      @JsonProperty("CreateIndex") long createIndex,
      @JsonProperty("ModifyIndex") long modifyIndex) {}

  record PolicyLink(@JsonProperty("ID") String id, @JsonProperty("Name") String name) {}

  record ServiceIdentityJson(@JsonProperty("ServiceName") String serviceName) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record TokenJson(
      @JsonProperty("AccessorID") String accessorId,
      @JsonProperty("SecretID") String secretId,
      @JsonProperty("Description") String description,
      @JsonProperty("Policies") List<PolicyLink> policies,
      @JsonProperty("ServiceIdentities") List<ServiceIdentityJson> serviceIdentities,
      @JsonProperty("Local") boolean local,
      @JsonProperty("CreateTime") String createTime,
      @JsonProperty("Hash") String hash,
      @JsonProperty("CreateIndex") long createIndex,
      @JsonProperty("ModifyIndex") long modifyIndex) {}

  /** A policy; list entries leave the rules out, as Consul's do. */
  static PolicyJson policy(AclPolicy p, long createIndex, long modifyIndex, boolean withRules) {
    return new PolicyJson(
        p.id(),
        p.name(),
        p.description(),
        withRules ? p.rules() : null,
        p.datacenters().isEmpty() ? null : p.datacenters(),
        hash(p.name() + "\n" + p.description() + "\n" + p.rules()),
        createIndex,
        modifyIndex);
  }

  static PolicyJson policy(AclState acl, AclPolicy p, boolean withRules) {
    // Built-in policies are not stored; Consul shows them at index 1 too.
    long create = acl.storedPolicy(p.id()).map(Indexed::createIndex).orElse(1L);
    long modify = acl.storedPolicy(p.id()).map(Indexed::modifyIndex).orElse(1L);
    return policy(p, create, modify, withRules);
  }

  static TokenJson token(
      AclState acl, AclToken t, long createIndex, long modifyIndex, boolean secret) {
    List<PolicyLink> links =
        t.policyIds().stream()
            .flatMap(id -> acl.policy(id).stream())
            .map(p -> new PolicyLink(p.id(), p.name()))
            .toList();
    return new TokenJson(
        t.accessorId(),
        secret ? t.secretId() : HIDDEN,
        t.description(),
        links,
        t.serviceIdentities().stream().map(ServiceIdentityJson::new).toList(),
        t.local(),
        t.createTime(),
        hash(
            t.accessorId() + "\n" + t.description() + "\n" + t.policyIds() + t.serviceIdentities()),
        createIndex,
        modifyIndex);
  }

  private static String hash(String content) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
