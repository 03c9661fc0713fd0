package io.cairn.xds;

import io.cairn.ca.CertificateAuthority;
import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.command.PutCa;
import java.time.Instant;
import java.util.OptionalLong;

/** A mesh CA for tests: sidecars get configuration once the registry has one. */
public final class TestCa {
  public static final String TRUST_DOMAIN = "11111111-2222-3333-4444-555555555555.consul";

  // One key pair for every test: making one is the slow part.
  private static final CaSetup SETUP =
      CertificateAuthority.create(CaConfiguration.DEFAULT, TRUST_DOMAIN, Instant.now());

  private TestCa() {}

  /** Sets the CA up in a registry that has none. */
  public static PutCa setUp() {
    return new PutCa(SETUP, OptionalLong.of(0));
  }
}
