package io.cairn.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.validation.ValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  private static final Instant NOW = Instant.now();
  @TempDir Path dir;

  private static CaSetup ca() {
    return CertificateAuthority.create(CaConfiguration.DEFAULT, "11111111-2222.consul", NOW);
  }

  @Test
  void aLeafCarriesTheServicesSpiffeIdAndValidatesAgainstTheRoot() throws Exception {
    CaSetup ca = ca();
    Leaf leaf = CertificateAuthority.issue(ca, "dc1", "web", NOW);
    X509Certificate cert = CertificateChecks.certificates(leaf.certPem()).getFirst();
    assertThat(cert.getSubjectAlternativeNames().stream().map(san -> (Object) san.get(1)).toList())
        .containsExactly("spiffe://11111111-2222.consul/ns/default/dc/dc1/svc/web");
    assertThat(leaf.id().service()).isEqualTo("web");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(Duration.between(leaf.validAfter(), leaf.validBefore()))
        .isGreaterThan(Duration.ofHours(72));
    assertThat(Pem.privateKey(leaf.privateKeyPem()).getAlgorithm()).isEqualTo("EC");
    CertificateChecks.validate(leaf.certPem(), ca.activeRoot().rootCertPem());

    CaSetup other = ca();
    assertThatThrownBy(
            () -> CertificateChecks.validate(leaf.certPem(), other.activeRoot().rootCertPem()))
        .as("another CA's root does not trust it")
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void afterARotationNewLeavesValidateAgainstTheOldRootThroughTheCrossSignature() throws Exception {
    CaSetup before = ca();
    CaConfiguration rsa =
        new CaConfiguration(Duration.ofHours(24), "rsa", 2048, Duration.ofDays(3650));
    CaSetup after = CertificateAuthority.rotate(before, rsa, NOW);
    assertThat(after.roots()).hasSize(2);
    assertThat(after.activeRootId()).isNotEqualTo(before.activeRootId());
    assertThat(after.trustDomain()).isEqualTo(before.trustDomain());
    assertThat(after.activeRoot().intermediateCertPems()).hasSize(1);

    Leaf leaf = CertificateAuthority.issue(after, "dc1", "api", NOW);
    assertThat(CertificateChecks.certificates(leaf.certPem())).hasSize(2);
    assertThat(Pem.privateKey(leaf.privateKeyPem()).getAlgorithm()).isEqualTo("RSA");
    // A peer with the new root needs the leaf alone; one with only the old root follows the
    // cross-signature that comes with it.
    CertificateChecks.validate(
        Pem.of(CertificateChecks.certificates(leaf.certPem()).getFirst()),
        after.activeRoot().rootCertPem());
    CertificateChecks.validate(leaf.certPem(), before.activeRoot().rootCertPem());
    // Leaves the old root signed stay valid while both roots are listed.
    CertificateChecks.validate(
        CertificateAuthority.issue(before, "dc1", "api", NOW).certPem(),
        after.roots().getFirst().rootCertPem());
  }

  @Test
  void opensslVerifiesLeavesAgainstTheActiveRoot() throws Exception {
    assumeTrue(CertificateChecks.opensslInstalled(), "openssl is not installed");
    CaSetup before = ca();
    CaSetup after = CertificateAuthority.rotate(before, CaConfiguration.DEFAULT, NOW);
    Leaf leaf = CertificateAuthority.issue(after, "dc1", "web", NOW);
    List<X509Certificate> chain = CertificateChecks.certificates(leaf.certPem());
    Path leafFile = write("leaf.pem", Pem.of(chain.get(0)));
    Path cross = write("cross.pem", Pem.of(chain.get(1)));
    Path newRoot = write("new.pem", after.activeRoot().rootCertPem());
    Path oldRoot = write("old.pem", before.activeRoot().rootCertPem());
    assertThat(
            CertificateChecks.openssl("verify", "-CAfile", newRoot.toString(), leafFile.toString()))
        .contains("OK");
    assertThat(
            CertificateChecks.openssl(
                "verify",
                "-CAfile",
                oldRoot.toString(),
                "-untrusted",
                cross.toString(),
                leafFile.toString()))
        .contains("OK");
    assertThat(
            CertificateChecks.openssl("verify", "-CAfile", oldRoot.toString(), leafFile.toString()))
        .doesNotContain(": OK");
  }

  @Test
  void badConfigurationsAreRefusedWithEveryProblem() {
    assertThatThrownBy(() -> new CaConfiguration(Duration.ofMinutes(5), "dsa", 1, Duration.ZERO))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("LeafCertTTL")
        .hasMessageContaining("RootCertTTL")
        .hasMessageContaining("PrivateKeyType");
    assertThatThrownBy(
            () -> new CaConfiguration(Duration.ofHours(1), "ec", 2048, Duration.ofDays(3650)))
        .hasMessageContaining("PrivateKeyBits");
  }

  @Test
  void spiffeIdsParseOnlyServiceIdentities() {
    assertThat(SpiffeId.parse("spiffe://td.consul/ns/default/dc/dc1/svc/web"))
        .hasValue(new SpiffeId("td.consul", "dc1", "web"));
    assertThat(SpiffeId.parse("spiffe://td.consul/agent/client/dc/dc1/id/x")).isEmpty();
    assertThat(SpiffeId.parse("https://td.consul/ns/default/dc/dc1/svc/web")).isEmpty();
    assertThat(SpiffeId.parse("spiffe://td.consul/ns/default/dc/dc1/svc/")).isEmpty();
  }

  private Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }
}
