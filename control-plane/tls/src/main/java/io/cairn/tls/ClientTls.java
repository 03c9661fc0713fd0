package io.cairn.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** A client's TLS context from PEM files, for Cairn's own clients of its admin API. */
public final class ClientTls {
  private ClientTls() {}

  /**
   * @param caFile CAs to trust instead of the JDK's defaults
   * @param certFile client certificate for mTLS (with keyFile)
   * @param keyFile its private key
   * @throws TlsException with every problem found
   */
  public static SSLContext context(
      Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile) {
    List<String> problems = new ArrayList<>();
    if (certFile.isPresent() != keyFile.isPresent()) {
      problems.add("a client certificate needs its key, and a key its certificate");
    }
    TrustManager[] trust = null;
    KeyManager[] keys = null;
    try {
      if (caFile.isPresent()) {
        KeyStore store = emptyStore();
        List<X509Certificate> cas = Pem.certificates(read(caFile.get(), problems));
        for (int i = 0; i < cas.size(); i++) {
          store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory f =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        trust = f.getTrustManagers();
      }
    } catch (IllegalArgumentException e) {
      problems.add(caFile.get() + ": " + e.getMessage());
    } catch (GeneralSecurityException | IOException e) {
      problems.add(caFile.get() + ": " + e);
    }
    if (certFile.isPresent() && keyFile.isPresent()) {
      try {
        List<X509Certificate> chain = Pem.certificates(read(certFile.get(), problems));
        PrivateKey key = Pem.privateKey(read(keyFile.get(), problems));
        KeyStore store = emptyStore();
        store.setKeyEntry("client", key, new char[0], chain.toArray(X509Certificate[]::new));
        KeyManagerFactory f =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(store, new char[0]);
        keys = f.getKeyManagers();
      } catch (IllegalArgumentException e) {
        problems.add(certFile.get() + " / " + keyFile.get() + ": " + e.getMessage());
      } catch (GeneralSecurityException | IOException e) {
        problems.add(certFile.get() + ": " + e);
      }
    }
    if (!problems.isEmpty()) {
      throw new TlsException(problems);
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JDK", e);
    }
  }

  private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }

  private static byte[] read(Path file, List<String> problems) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read: " + e, e);
    }
  }
}
