package io.cairn.registry.acl;

import io.cairn.registry.RegistrySnapshot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns the token a request presents into what it may do, against the latest registry state: what
 * every front end asks before it answers. Secrets are compared in constant time and never logged.
 */
public final class AclResolver {
  /** The accessor id shown for the configured management token, which is not stored. */
  public static final String CONFIGURED_MANAGEMENT = "initial-management";

  private final AclSettings settings;
  private final Supplier<RegistrySnapshot> snapshots;
  private final Optional<byte[]> management;

  public AclResolver(AclSettings settings, Supplier<RegistrySnapshot> snapshots) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
    this.management = settings.managementToken().map(t -> t.getBytes(StandardCharsets.UTF_8));
  }

  /** A resolver for ACLs turned off: everything is allowed. */
  public static AclResolver off() {
    return new AclResolver(AclSettings.OFF, () -> RegistrySnapshot.empty());
  }

  public AclSettings settings() {
    return settings;
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /**
   * The token in an {@code Authorization} header value of the {@code Bearer} scheme (any case),
   * stripped and possibly empty; empty for other schemes. Shared by the front ends, which read the
   * header from their own transport.
   */
  public static Optional<String> bearer(String authorization) {
    return authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? Optional.of(authorization.substring(7).strip())
        : Optional.empty();
  }

  /** What a request presenting {@code secret} (or nothing) may do, by the latest ACLs. */
  public Resolution resolve(Optional<String> secret) {
    return resolve(secret, settings.enabled() ? snapshots.get().acl() : AclState.EMPTY);
  }

  /**
   * What {@code secret} may do by the ACLs of {@code acl}: for a reader answering from one snapshot
   * (the DNS table), so its rights match the state it shows.
   */
  public Resolution resolve(Optional<String> secret, AclState acl) {
    if (!settings.enabled()) {
      return new Resolution.Granted(Authorizer.ALLOW_ALL, "");
    }
    Authorizer fallback = settings.defaultPolicy().fallback();
    String presented = secret.map(String::strip).orElse("");
    if (presented.isEmpty() || presented.equals(AclToken.ANONYMOUS_SECRET)) {
      AclToken anonymous = acl.anonymous();
      return new Resolution.Granted(acl.authorizer(anonymous, fallback), anonymous.accessorId());
    }
    if (management.isPresent()
        && MessageDigest.isEqual(management.get(), presented.getBytes(StandardCharsets.UTF_8))) {
      return new Resolution.Granted(Authorizer.ALLOW_ALL, CONFIGURED_MANAGEMENT);
    }
    return acl.tokenBySecret(presented)
        .<Resolution>map(t -> new Resolution.Granted(acl.authorizer(t, fallback), t.accessorId()))
        .orElse(new Resolution.UnknownToken());
  }

  /** The outcome of resolving a token. */
  public sealed interface Resolution {
    /** A known token (or the anonymous one), and what it may do. */
    record Granted(Authorizer authorizer, String accessorId) implements Resolution {
      public Granted {
        Objects.requireNonNull(authorizer, "authorizer");
        Objects.requireNonNull(accessorId, "accessorId");
      }
    }

    /** A secret no token has: Consul answers "ACL not found". */
    record UnknownToken() implements Resolution {}
  }
}
