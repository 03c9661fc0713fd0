package io.cairn.ca;

import io.cairn.registry.Registry;
import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.PutCa;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.ValidationException;
import java.time.Clock;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA as the registry holds it: set up on first use (every replica would try; check-and-set
 * keeps the first), reconfigured and rotated through the single writer.
 */
public final class CaService {
  private static final Logger log = LoggerFactory.getLogger(CaService.class);

  private final Registry registry;
  private final Clock clock;

  public CaService(Registry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** The CA, set up with the default configuration and a new trust domain if there is none. */
  public Indexed<CaSetup> current() {
    var existing = registry.snapshot().ca();
    if (existing.isPresent()) {
      return existing.get();
    }
    CaSetup fresh =
        CertificateAuthority.create(
            CaConfiguration.DEFAULT, UUID.randomUUID() + ".consul", clock.instant());
    CommandResult r = registry.apply(new PutCa(fresh, OptionalLong.of(0)));
    if (r.applied()) {
      log.atInfo()
          .addKeyValue("trustDomain", fresh.trustDomain())
          .addKeyValue("root", fresh.activeRootId())
          .log("mesh CA set up");
    }
    // Applied, or another replica's setup got there first: either way the registry has one now.
    return registry.snapshot().ca().orElseThrow();
  }

  /**
   * Applies a new configuration: a new key type or size rotates to a new root cross-signed by the
   * old one; anything else keeps the roots.
   *
   * @param cas the CA index the caller read, or empty to apply over whatever is there
   * @return whether it was applied (false: {@code cas} did not hold)
   */
  public boolean configure(CaConfiguration config, OptionalLong cas) {
    Indexed<CaSetup> now = current();
    if (cas.isPresent() && cas.getAsLong() != now.modifyIndex()) {
      return false;
    }
    CaSetup setup = now.value();
    CaSetup next =
        setup.config().sameKey(config)
            ? new CaSetup(setup.trustDomain(), config, setup.activeRootId(), setup.roots())
            : CertificateAuthority.rotate(setup, config, clock.instant());
    CommandResult r = registry.apply(new PutCa(next, OptionalLong.of(now.modifyIndex())));
    if (r.outcome() == CommandResult.Outcome.CAS_FAILED) {
      if (cas.isPresent()) {
        return false;
      }
      throw ValidationException.of("Config", "the CA changed meanwhile; read it and try again");
    }
    if (!next.activeRootId().equals(setup.activeRootId())) {
      log.atInfo()
          .addKeyValue("from", setup.activeRootId())
          .addKeyValue("to", next.activeRootId())
          .log("mesh CA root rotated");
    }
    return true;
  }
}
