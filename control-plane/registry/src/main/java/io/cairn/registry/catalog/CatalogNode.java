package io.cairn.registry.catalog;

import io.cairn.registry.validation.Metadata;
import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.NetworkAddresses;
import io.cairn.registry.validation.Problems;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A node registered in the catalog by a client (Consul's external node).
 *
 * @param name the node's name, a DNS label so {@code <name>.node} resolves
 * @param id the node's UUID as registered, or "" when none was given
 * @param address where the node is reached; its services without an address use it
 * @param taggedAddresses extra addresses by tag ({@code lan}, {@code wan}, ...)
 * @param meta node metadata (Consul limits)
 */
public record CatalogNode(
    String name,
    String id,
    String address,
    Map<String, String> taggedAddresses,
    Map<String, String> meta) {
  static final int MAX_TAGGED_ADDRESSES = 16;

  public CatalogNode {
    Problems p = new Problems();
    check(p, name, id, address);
    if (taggedAddresses == null) {
      p.add("TaggedAddresses", "must not be null");
      taggedAddresses = Map.of();
    } else if (taggedAddresses.size() > MAX_TAGGED_ADDRESSES) {
      p.add("TaggedAddresses", "has more than " + MAX_TAGGED_ADDRESSES + " entries");
    }
    taggedAddresses.forEach(
        (tag, a) -> {
          if (!Names.isDnsLabel(tag.replace('_', '-'))) {
            p.add("TaggedAddresses", "tag '" + tag + "' is not a name");
          }
          NetworkAddresses.address(p, "TaggedAddresses." + tag, a);
        });
    taggedAddresses = Map.copyOf(new TreeMap<>(taggedAddresses));
    meta = Metadata.check(p, "NodeMeta", meta);
    p.throwIfAny();
  }

  private static void check(Problems p, String name, String id, String address) {
    if (name == null || name.isEmpty()) {
      p.add("Node", "is required");
    } else if (!Names.isDnsLabel(name)) {
      p.add(
          "Node",
          "'"
              + name
              + "' is not a DNS label (letters, digits and inner '-', at most 63 characters)");
    }
    if (id == null) {
      p.add("ID", "must not be null (use an empty string)");
    } else if (!id.isEmpty()) {
      try {
        UUID.fromString(id);
      } catch (IllegalArgumentException e) {
        p.add("ID", "'" + id + "' is not a UUID");
      }
    }
    if (address == null || address.isEmpty()) {
      p.add("Address", "is required");
    } else {
      NetworkAddresses.address(p, "Address", address);
    }
  }
}
