package io.cairn.registry.acl;

import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import java.util.List;
import java.util.Objects;

/**
 * A token: its public accessor id, its secret, and what it may do (policies by id, and service
 * identities, each worth Consul's synthetic policy for one service). The secret never appears in
 * {@link #toString}, so it cannot reach a log by accident.
 *
 * @param secretId the value clients present; a UUID, or "anonymous" for the anonymous token
 * @param createTime RFC 3339, as Consul shows it
 */
public record AclToken(
    String accessorId,
    String secretId,
    String description,
    List<String> policyIds,
    List<String> serviceIdentities,
    boolean local,
    String createTime) {
  /** The token of requests that present none (Consul's fixed ids). */
  public static final String ANONYMOUS_ACCESSOR = "00000000-0000-0000-0000-000000000002";

  public static final String ANONYMOUS_SECRET = "anonymous";

  public AclToken {
    Problems p = new Problems();
    AclIds.check(p, "AccessorID", accessorId);
    boolean anonymous = ANONYMOUS_ACCESSOR.equals(accessorId);
    if (anonymous) {
      p.check(
          ANONYMOUS_SECRET.equals(secretId), "SecretID", "of the anonymous token is 'anonymous'");
    } else {
      AclIds.check(p, "SecretID", secretId);
    }
    description = description == null ? "" : description;
    p.check(
        description.length() <= AclPolicy.MAX_DESCRIPTION,
        "Description",
        "is over 1024 characters");
    policyIds = policyIds == null ? List.of() : List.copyOf(policyIds);
    for (int i = 0; i < policyIds.size(); i++) {
      AclIds.check(p, "Policies[" + i + "].ID", policyIds.get(i));
    }
    serviceIdentities = serviceIdentities == null ? List.of() : List.copyOf(serviceIdentities);
    for (int i = 0; i < serviceIdentities.size(); i++) {
      Names.serviceName(p, "ServiceIdentities[" + i + "].ServiceName", serviceIdentities.get(i));
    }
    Objects.requireNonNull(createTime, "createTime");
    p.throwIfAny();
  }

  public boolean anonymous() {
    return ANONYMOUS_ACCESSOR.equals(accessorId);
  }

  @Override
  public String toString() {
    return "AclToken[accessorId="
        + accessorId
        + ", policies="
        + policyIds
        + ", serviceIdentities="
        + serviceIdentities
        + "]";
  }
}
