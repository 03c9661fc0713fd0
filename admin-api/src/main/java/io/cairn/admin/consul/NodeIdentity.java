package io.cairn.admin.consul;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The Consul node every instance is shown on.
 *
 * @param name node name ({@code Node})
 * @param address node address ({@code Address})
 * @param datacenter datacenter name ({@code Datacenter})
 * @param meta node metadata ({@code Meta}, {@code NodeMeta}), as DNS answers it in TXT records
 */
public record NodeIdentity(
    String name, String address, String datacenter, Map<String, String> meta) {
  public NodeIdentity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(datacenter, "datacenter");
    meta = Map.copyOf(Objects.requireNonNull(meta, "meta"));
  }

  /** A stable node id derived from the name, so it survives restarts. */
  public String id() {
    return UUID.nameUUIDFromBytes(("cairn-node:" + name).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
