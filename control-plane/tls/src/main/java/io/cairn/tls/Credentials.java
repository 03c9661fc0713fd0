package io.cairn.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One generation of credentials read from {@link TlsFiles}: the raw bytes (to notice changes) and
 * the JDK key and trust managers built from them.
 */
record Credentials(
    List<byte[]> content,
    X509Certificate certificate,
    X509ExtendedKeyManager keyManager,
    Optional<X509ExtendedTrustManager> trustManager) {

  /** The bytes of every file, or the problems reading them. */
  static List<byte[]> read(TlsFiles files, List<String> problems) {
    List<byte[]> content = new ArrayList<>();
    content.add(read(files.certFile(), problems));
    content.add(read(files.keyFile(), problems));
    files.clientCaFile().ifPresent(f -> content.add(read(f, problems)));
    return content;
  }

  private static byte[] read(Path file, List<String> problems) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      problems.add("cannot read " + file + ": " + e);
      return new byte[0];
    }
  }

  /** Reads and checks the files; throws every problem found. */
  static Credentials load(TlsFiles files, String alias) {
    List<String> problems = new ArrayList<>();
    List<byte[]> content = read(files, problems);
    if (!problems.isEmpty()) {
      throw new TlsException(problems);
    }
    return build(files, content, alias);
  }

  /** Builds credentials from file contents read earlier. */
  static Credentials build(TlsFiles files, List<byte[]> content, String alias) {
    List<String> problems = new ArrayList<>();
    List<X509Certificate> chain = List.of();
    PrivateKey key = null;
    Optional<List<X509Certificate>> clientCas = Optional.empty();
    try {
      chain = Pem.certificates(content.get(0));
    } catch (IllegalArgumentException e) {
      problems.add(files.certFile() + ": " + e.getMessage());
    }
    try {
      key = Pem.privateKey(content.get(1));
    } catch (IllegalArgumentException e) {
      problems.add(files.keyFile() + ": " + e.getMessage());
    }
    if (files.clientCaFile().isPresent()) {
      try {
        clientCas = Optional.of(Pem.certificates(content.get(2)));
      } catch (IllegalArgumentException e) {
        problems.add(files.clientCaFile().get() + ": " + e.getMessage());
      }
    }
    if (key != null && !chain.isEmpty() && !matches(key, chain.get(0))) {
      problems.add(
          files.keyFile()
              + ": the private key does not belong to the certificate in "
              + files.certFile());
    }
    if (!problems.isEmpty()) {
      throw new TlsException(problems);
    }
    try {
      return new Credentials(
          content.stream().map(b -> Arrays.copyOf(b, b.length)).toList(),
          chain.get(0),
          keyManager(chain, key, alias),
          clientCas.map(Credentials::trustManager));
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsException(List.of("cannot use " + files.certFile() + ": " + e.getMessage()));
    }
  }

  static boolean same(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Signs and verifies a probe: the only check that works for every key type. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448
        };
    try {
      byte[] probe = "cairn".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static X509ExtendedKeyManager keyManager(
      List<X509Certificate> chain, PrivateKey key, String alias)
      throws GeneralSecurityException, IOException {
    char[] password = new char[0];
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(alias, key, password, chain.toArray(X509Certificate[]::new));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password);
    return (X509ExtendedKeyManager) factory.getKeyManagers()[0];
  }

  private static X509ExtendedTrustManager trustManager(List<X509Certificate> cas) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return (X509ExtendedTrustManager) factory.getTrustManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsException(List.of("cannot trust the client CAs: " + e.getMessage()));
    }
  }
}
