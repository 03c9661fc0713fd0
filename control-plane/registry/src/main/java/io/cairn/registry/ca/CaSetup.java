package io.cairn.registry.ca;

import io.cairn.registry.validation.Problems;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The CA as a whole: one stored record, replaced at each change, so a rotation (new root, its
 * cross-signature, the old root kept for the leaves it signed) is one commit.
 *
 * @param trustDomain the SPIFFE trust domain, chosen once ({@code <uuid>.consul}) and kept
 * @param config how leaves and roots are made
 * @param activeRootId the root that signs new leaves
 * @param roots the active root and the earlier ones still trusted, oldest first
 */
public record CaSetup(
    String trustDomain, CaConfiguration config, String activeRootId, List<CaRoot> roots) {
  public static final int MAX_ROOTS = 8;

  public CaSetup {
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(activeRootId, "activeRootId");
    roots = List.copyOf(roots);
    Problems p = new Problems();
    if (roots.stream().noneMatch(r -> r.id().equals(activeRootId))) {
      p.add("activeRootId", "names no root: " + activeRootId);
    }
    if (roots.size() > MAX_ROOTS) {
      p.add("roots", "at most " + MAX_ROOTS + " roots are kept");
    }
    p.throwIfAny();
  }

  public CaRoot activeRoot() {
    return roots.stream().filter(r -> r.id().equals(activeRootId)).findFirst().orElseThrow();
  }

  public Optional<CaRoot> root(String id) {
    return roots.stream().filter(r -> r.id().equals(id)).findFirst();
  }
}
