package io.cairn.registry.config;

import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import java.util.List;
import java.util.Optional;

/**
 * Who may call the intention's destination: a whole-connection decision ({@code action}, L4) or a
 * list of per-request {@code permissions} (L7), never both.
 *
 * @param name the calling service, or {@code *} for every service
 */
public record IntentionSource(
    String name,
    Optional<IntentionAction> action,
    List<IntentionPermission> permissions,
    String description) {

  public IntentionSource {
    Problems p = new Problems();
    if (!ServiceIntentions.WILDCARD.equals(name)) {
      Names.serviceName(p, "name", name);
    }
    if (action == null || permissions == null) {
      p.add("", "action and permissions must not be null (use empty values)");
      p.throwIfAny();
    }
    permissions = List.copyOf(permissions);
    if (action.isPresent() == !permissions.isEmpty()) {
      p.add("action", "give either an action or a list of permissions, not both or neither");
    }
    Names.text(p, "description", description, 512);
    p.throwIfAny();
  }

  public static IntentionSource of(String name, IntentionAction action) {
    return new IntentionSource(name, Optional.of(action), List.of(), "");
  }

  public boolean isWildcard() {
    return ServiceIntentions.WILDCARD.equals(name);
  }
}
