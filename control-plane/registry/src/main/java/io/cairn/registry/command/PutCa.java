package io.cairn.registry.command;

import io.cairn.registry.ca.CaSetup;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Sets up or replaces the CA (first start, configuration change, rotation).
 *
 * @param setup the new state
 * @param cas apply only if the stored CA's modify index is this (0: only if there is none), so two
 *     replicas starting at once or two concurrent rotations cannot overwrite each other
 */
public record PutCa(CaSetup setup, OptionalLong cas) implements Command {
  public PutCa {
    Objects.requireNonNull(setup, "setup");
    Objects.requireNonNull(cas, "cas");
  }
}
