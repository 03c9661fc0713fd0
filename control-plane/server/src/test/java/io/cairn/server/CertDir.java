package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.ca.CertificateChecks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/** The directory {@code cairn connect certs} writes: its three files, and checks on them. */
record CertDir(Path dir) {
  String cert() throws Exception {
    return Files.readString(dir.resolve("cert.pem"), StandardCharsets.US_ASCII);
  }

  String key() throws Exception {
    return Files.readString(dir.resolve("key.pem"), StandardCharsets.US_ASCII);
  }

  String ca() throws Exception {
    return Files.readString(dir.resolve("ca.pem"), StandardCharsets.US_ASCII);
  }

  /** The names in the directory: the three files and nothing else (no temporary files left). */
  List<String> names() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * The key is the certificate's and only its owner may read it; the leaf is signed by one of the
   * roots in ca.pem (the JDK's PKIX, and {@code openssl verify -CAfile ca.pem cert.pem} when
   * openssl is installed).
   */
  void assertConsistent() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("key.pem"))))
        .isEqualTo("rw-------");
    X509Certificate leaf = CertificateChecks.certificates(cert()).getFirst();
    assertThat(signs(key(), leaf)).as("key.pem is cert.pem's key").isTrue();
    List<X509Certificate> roots = CertificateChecks.certificates(ca());
    assertThat(roots).as("cert.pem is signed by a root in ca.pem").anyMatch(r -> signedBy(leaf, r));
    if (CertificateChecks.opensslInstalled()) {
      assertThat(
              CertificateChecks.openssl(
                  "verify",
                  "-CAfile",
                  dir.resolve("ca.pem").toString(),
                  dir.resolve("cert.pem").toString()))
          .isEqualTo(dir.resolve("cert.pem") + ": OK\n");
    }
  }

  private static boolean signedBy(X509Certificate cert, X509Certificate root) {
    try {
      cert.verify(root.getPublicKey());
      return true;
    } catch (Exception e) { // another root's key, perhaps of another type
      return false;
    }
  }

  /** Whether a signature made with {@code keyPem} verifies with the certificate's public key. */
  private static boolean signs(String keyPem, X509Certificate cert) throws Exception {
    String base64 = keyPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    String algorithm = cert.getPublicKey().getAlgorithm();
    PrivateKey key =
        KeyFactory.getInstance(algorithm)
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    String scheme = algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] data = "cairn connect certs".getBytes(StandardCharsets.UTF_8);
    Signature signer = Signature.getInstance(scheme);
    signer.initSign(key);
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(scheme);
    verifier.initVerify(cert.getPublicKey());
    verifier.update(data);
    return verifier.verify(signature);
  }
}
