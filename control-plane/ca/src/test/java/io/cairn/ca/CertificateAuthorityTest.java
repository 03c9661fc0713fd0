package io.cairn.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.validation.ValidationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  private static final Instant NOW = Instant.now();
  @TempDir Path dir;

  private static CaSetup ca() {
    return CertificateAuthority.create(CaConfiguration.DEFAULT, "11111111-2222.consul", NOW);
  }

  /** The PEM blocks of {@code pem} as certificates, in order. */
  private static List<X509Certificate> certificates(String pem) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    for (var c :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  /** JDK PKIX validation of a leaf chain against one root. */
  private static void validate(String leafChainPem, String rootPem) throws Exception {
    List<X509Certificate> chain = certificates(leafChainPem);
    PKIXParameters params =
        new PKIXParameters(Set.of(new TrustAnchor(certificates(rootPem).getFirst(), null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
  }

  @Test
  void aLeafCarriesTheServicesSpiffeIdAndValidatesAgainstTheRoot() throws Exception {
    CaSetup ca = ca();
    Leaf leaf = CertificateAuthority.issue(ca, "dc1", "web", NOW);
    X509Certificate cert = certificates(leaf.certPem()).getFirst();
    assertThat(cert.getSubjectAlternativeNames().stream().map(san -> (Object) san.get(1)).toList())
        .containsExactly("spiffe://11111111-2222.consul/ns/default/dc/dc1/svc/web");
    assertThat(leaf.id().service()).isEqualTo("web");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(Duration.between(leaf.validAfter(), leaf.validBefore()))
        .isGreaterThan(Duration.ofHours(72));
    assertThat(Pem.privateKey(leaf.privateKeyPem()).getAlgorithm()).isEqualTo("EC");
    validate(leaf.certPem(), ca.activeRoot().rootCertPem());

    CaSetup other = ca();
    assertThatThrownBy(() -> validate(leaf.certPem(), other.activeRoot().rootCertPem()))
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
    assertThat(certificates(leaf.certPem())).hasSize(2);
    assertThat(Pem.privateKey(leaf.privateKeyPem()).getAlgorithm()).isEqualTo("RSA");
    // A peer with the new root needs the leaf alone; one with only the old root follows the
    // cross-signature that comes with it.
    validate(Pem.of(certificates(leaf.certPem()).getFirst()), after.activeRoot().rootCertPem());
    validate(leaf.certPem(), before.activeRoot().rootCertPem());
    // Leaves the old root signed stay valid while both roots are listed.
    validate(
        CertificateAuthority.issue(before, "dc1", "api", NOW).certPem(),
        after.roots().getFirst().rootCertPem());
  }

  @Test
  void opensslVerifiesLeavesAgainstTheActiveRoot() throws Exception {
    assumeTrue(onPath("openssl"), "openssl is not installed");
    CaSetup before = ca();
    CaSetup after = CertificateAuthority.rotate(before, CaConfiguration.DEFAULT, NOW);
    Leaf leaf = CertificateAuthority.issue(after, "dc1", "web", NOW);
    List<X509Certificate> chain = certificates(leaf.certPem());
    Path leafFile = write("leaf.pem", Pem.of(chain.get(0)));
    Path cross = write("cross.pem", Pem.of(chain.get(1)));
    Path newRoot = write("new.pem", after.activeRoot().rootCertPem());
    Path oldRoot = write("old.pem", before.activeRoot().rootCertPem());
    assertThat(openssl("verify", "-CAfile", newRoot.toString(), leafFile.toString()))
        .contains("OK");
    assertThat(
            openssl(
                "verify",
                "-CAfile",
                oldRoot.toString(),
                "-untrusted",
                cross.toString(),
                leafFile.toString()))
        .contains("OK");
    assertThat(openssl("verify", "-CAfile", oldRoot.toString(), leafFile.toString()))
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

  private static boolean onPath(String binary) {
    return java.util.Arrays.stream(System.getenv("PATH").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, binary)));
  }

  private static String openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
