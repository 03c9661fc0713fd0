package io.cairn.registry.acl;

import java.util.Objects;
import java.util.Optional;

/**
 * How ACLs are set up, read by {@code main}.
 *
 * @param enabled off: every request may do everything and tokens are ignored
 * @param defaultPolicy what a token (the anonymous one included) gets where its rules say nothing
 * @param managementToken a secret that may do everything, from the configuration; it is never
 *     stored, so it works from the first start (Consul's {@code initial_management})
 */
public record AclSettings(
    boolean enabled, DefaultPolicy defaultPolicy, Optional<String> managementToken) {
  public static final AclSettings OFF =
      new AclSettings(false, DefaultPolicy.ALLOW, Optional.empty());

  public AclSettings {
    Objects.requireNonNull(defaultPolicy, "defaultPolicy");
    Objects.requireNonNull(managementToken, "managementToken");
    if (managementToken.isPresent() && managementToken.get().isBlank()) {
      throw new IllegalArgumentException("a management token must not be blank");
    }
  }

  /** ACLs on, deny by default, with {@code managementToken} able to do everything. */
  public static AclSettings denyByDefault(String managementToken) {
    return new AclSettings(true, DefaultPolicy.DENY, Optional.of(managementToken));
  }

  @Override
  public String toString() {
    return "AclSettings[enabled="
        + enabled
        + ", defaultPolicy="
        + defaultPolicy.text()
        + ", managementToken="
        + (managementToken.isPresent() ? "(set)" : "(none)")
        + "]";
  }
}
