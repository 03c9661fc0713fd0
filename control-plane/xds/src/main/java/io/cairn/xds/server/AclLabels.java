package io.cairn.xds.server;

import io.cairn.registry.acl.AclPolicy;
import io.cairn.registry.acl.AclResolver.Resolution;
import io.cairn.registry.acl.AclSettings;
import io.cairn.registry.acl.AclState;
import io.cairn.registry.acl.AclToken;
import io.cairn.registry.model.Indexed;
import io.cairn.xds.cache.ContentVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * Short names for "these ACLs, seen by this token", added to the versions of filtered responses.
 * Derived from content (every stored policy and token with its modify index, and the default
 * policy), so the same ACLs give the same label after a restart or on another replica.
 */
final class AclLabels {
  private record Fingerprint(AclState state, String digest) {}

  private final AclSettings settings;
  private volatile Fingerprint last = new Fingerprint(null, "");

  AclLabels(AclSettings settings) {
    this.settings = settings;
  }

  String label(AclState state, Resolution resolution) {
    String accessor =
        resolution instanceof Resolution.Granted g ? g.accessorId() : "(unknown token)";
    return ContentVersion.ofAll(List.of(fingerprint(state), accessor));
  }

  private String fingerprint(AclState state) {
    Fingerprint f = last;
    if (f.state() != state) {
      List<String> parts = new ArrayList<>();
      parts.add("default=" + settings.defaultPolicy().text());
      for (Indexed<AclPolicy> p : state.storedPolicies().values()) {
        parts.add("policy=" + p.value().id() + "@" + p.modifyIndex());
      }
      for (Indexed<AclToken> t : state.storedTokens().values()) {
        parts.add("token=" + t.value().accessorId() + "@" + t.modifyIndex());
      }
      f = new Fingerprint(state, ContentVersion.ofAll(parts));
      last = f;
    }
    return f.digest();
  }
}
