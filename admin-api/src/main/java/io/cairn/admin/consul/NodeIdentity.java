package io.cairn.admin.consul;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * The Consul node every instance is shown on.
 *
 * @param name node name ({@code Node})
 * @param address node address ({@code Address})
 * @param datacenter datacenter name ({@code Datacenter})
 */
public record NodeIdentity(String name, String address, String datacenter) {
  public NodeIdentity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(datacenter, "datacenter");
  }

  /** A stable node id derived from the name, so it survives restarts. */
  public String id() {
    return UUID.nameUUIDFromBytes(("cairn-node:" + name).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
