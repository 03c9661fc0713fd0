package io.cairn.registry.acl;

import io.cairn.registry.model.Indexed;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.pcollections.TreePMap;

/**
 * The stored policies and tokens at one index, immutable. A snapshot that changed nothing about
 * ACLs shares this object with the one before, so the lookups built here on first use (policies by
 * name, tokens by secret, parsed rules) last until ACLs change.
 */
public final class AclState {
  public static final AclState EMPTY = new AclState(TreePMap.empty(), TreePMap.empty());

  private final TreePMap<String, Indexed<AclPolicy>> policies;
  private final TreePMap<String, Indexed<AclToken>> tokens;
  private volatile Lookups lookups;

  public AclState(
      TreePMap<String, Indexed<AclPolicy>> policies, TreePMap<String, Indexed<AclToken>> tokens) {
    this.policies = policies;
    this.tokens = tokens;
  }

  public TreePMap<String, Indexed<AclPolicy>> storedPolicies() {
    return policies;
  }

  public TreePMap<String, Indexed<AclToken>> storedTokens() {
    return tokens;
  }

  /** The stored policy with {@code id}; built-in policies are not stored (see {@link #policy}). */
  public Optional<Indexed<AclPolicy>> storedPolicy(String id) {
    return Optional.ofNullable(policies.get(id));
  }

  /** A policy by id, built-in or stored. */
  public Optional<AclPolicy> policy(String id) {
    return BuiltinPolicies.byId(id).or(() -> storedPolicy(id).map(Indexed::value));
  }

  public Optional<AclPolicy> policyByName(String name) {
    return Optional.ofNullable(lookups().policyByName.get(name));
  }

  /** Built-in policies first, then the stored ones by id. */
  public List<AclPolicy> allPolicies() {
    List<AclPolicy> all = new ArrayList<>(BuiltinPolicies.ALL);
    policies.values().forEach(p -> all.add(p.value()));
    return all;
  }

  public Optional<Indexed<AclToken>> token(String accessorId) {
    return Optional.ofNullable(tokens.get(accessorId));
  }

  public Collection<Indexed<AclToken>> allTokens() {
    return tokens.values();
  }

  /** The anonymous token: stored once someone gave it policies, a bare one until then. */
  public AclToken anonymous() {
    return token(AclToken.ANONYMOUS_ACCESSOR).map(Indexed::value).orElse(ANONYMOUS);
  }

  private static final AclToken ANONYMOUS =
      new AclToken(
          AclToken.ANONYMOUS_ACCESSOR,
          AclToken.ANONYMOUS_SECRET,
          "Anonymous Token",
          List.of(),
          List.of(),
          false,
          "1970-01-01T00:00:00Z");

  /**
   * The token whose secret is {@code secret}. Found by a digest of the secret, then compared in
   * constant time, so response times say nothing about how much of a guess was right.
   */
  public Optional<AclToken> tokenBySecret(String secret) {
    byte[] presented = secret.getBytes(StandardCharsets.UTF_8);
    AclToken found = lookups().bySecret.get(ByteBuffer.wrap(sha256(presented)));
    if (found == null
        || !MessageDigest.isEqual(found.secretId().getBytes(StandardCharsets.UTF_8), presented)) {
      return Optional.empty();
    }
    return Optional.of(found);
  }

  /** Whether a stored token links the management policy (then bootstrapping is over). */
  public boolean hasManagementToken() {
    return tokens.values().stream()
        .anyMatch(t -> t.value().policyIds().contains(BuiltinPolicies.GLOBAL_MANAGEMENT.id()));
  }

  /** What {@code token} may do; where its rules are silent, {@code fallback} decides. */
  public Authorizer authorizer(AclToken token, Authorizer fallback) {
    if (token.policyIds().contains(BuiltinPolicies.GLOBAL_MANAGEMENT.id())) {
      return Authorizer.ALLOW_ALL;
    }
    // Merged once per token and ACL state, not on every request that presents it.
    Lookups l = lookups();
    return new RulesAuthorizer(l.merged.computeIfAbsent(token, l::merge), fallback);
  }

  private Lookups lookups() {
    Lookups l = lookups;
    if (l == null) {
      l = new Lookups(this);
      lookups = l;
    }
    return l;
  }

  /** Built from the maps on first use; a race builds it twice, to the same result. */
  private static final class Lookups {
    final Map<String, AclPolicy> policyByName = new HashMap<>();
    final Map<String, AclRules> rules = new HashMap<>();
    final Map<ByteBuffer, AclToken> bySecret = new HashMap<>();
    final Map<AclToken, AclRules> merged = new ConcurrentHashMap<>();

    Lookups(AclState state) {
      for (AclPolicy p : state.allPolicies()) {
        policyByName.put(p.name(), p);
        rules.put(p.id(), p.parsedRules());
      }
      for (Indexed<AclToken> t : state.tokens.values()) {
        AclToken token = t.value();
        bySecret.put(
            ByteBuffer.wrap(sha256(token.secretId().getBytes(StandardCharsets.UTF_8))), token);
      }
    }

    /** A token's policies and service identities as one set of rules. */
    AclRules merge(AclToken token) {
      AclRules all = AclRules.NONE;
      for (String id : token.policyIds()) {
        // A link to a deleted policy grants nothing, as in Consul.
        AclRules linked = rules.get(id);
        if (linked != null) {
          all = all.plus(linked);
        }
      }
      for (String service : token.serviceIdentities()) {
        all = all.plus(ServiceIdentityRules.of(service));
      }
      return all;
    }
  }

  /**
   * A fresh SHA-256 digest, never updated: every lookup hashes with a clone of it, as looking the
   * algorithm up in the providers on every request was most of a token lookup's cost.
   */
  private static final MessageDigest SHA_256 = newSha256();

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    MessageDigest digest;
    try {
      digest = (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      digest = newSha256(); // a provider whose digest cannot be cloned
    }
    return digest.digest(bytes);
  }
}
