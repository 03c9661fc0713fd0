package io.cairn.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Checks of the CA's certificates for tests: the JDK's PKIX validation and openssl's verify. */
public final class CertificateChecks {
  private CertificateChecks() {}

  /** The PEM blocks of {@code pem} as certificates, in order. */
  public static List<X509Certificate> certificates(String pem) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    for (var c :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  /**
   * Validates {@code chain} (leaf first) against the one root in {@code rootPem}; throws if not.
   */
  public static void validate(List<X509Certificate> chain, String rootPem) throws Exception {
    PKIXParameters params =
        new PKIXParameters(Set.of(new TrustAnchor(certificates(rootPem).getFirst(), null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
  }

  /** Validates the PEM chain {@code chainPem} (leaf first) against the root in {@code rootPem}. */
  public static void validate(String chainPem, String rootPem) throws Exception {
    validate(certificates(chainPem), rootPem);
  }

  public static boolean opensslInstalled() {
    return Arrays.stream(System.getenv("PATH").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, "openssl")));
  }

  /** What {@code openssl <args>} prints, stdout and stderr together. */
  public static String openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
