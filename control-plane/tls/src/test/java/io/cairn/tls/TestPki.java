package io.cairn.tls;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Certificates made with the {@code openssl} CLI, independent of Cairn's PEM reading: a CA, a
 * server certificate for 127.0.0.1 and localhost, a client certificate, and a second CA with a
 * client certificate of its own (one a server must refuse). Clients load PKCS#12 files made by
 * openssl with the JDK's own KeyStore.
 */
public final class TestPki {
  public final Path dir;

  public TestPki(Path dir) {
    this.dir = dir;
    ca("ca");
    ca("other-ca");
    issue("ca", "server", "cairn-test-server", 1001, true);
    issue("ca", "client", "cairn-test-client", 2001, false);
    issue("other-ca", "stranger", "cairn-stranger", 3001, false);
  }

  public Path file(String name) {
    return dir.resolve(name);
  }

  public Path caPem() {
    return file("ca.pem");
  }

  public Path serverCert() {
    return file("server.pem");
  }

  public Path serverKey() {
    return file("server.key");
  }

  /** Issues a new server certificate under {@code name}.pem/.key, signed by the CA. */
  public void issueServer(String name, String commonName, long serial) {
    issue("ca", name, commonName, serial, true);
  }

  /** Moves name.pem/.key over server.pem/.key (each file atomically, as an operator would). */
  public void replaceServer(String name) {
    try {
      Files.move(file(name + ".pem"), serverCert(), StandardCopyOption.REPLACE_EXISTING);
      Files.move(file(name + ".key"), serverKey(), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void ca(String name) {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".pem",
        "-days",
        "2",
        "-subj",
        "/CN=" + name,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=keyCertSign,cRLSign");
  }

  private void issue(String ca, String name, String cn, long serial, boolean server) {
    try {
      Files.writeString(
          file(name + ".ext"),
          server
              ? "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
              : "extendedKeyUsage=clientAuth\n");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr",
        "-subj",
        "/CN=" + cn);
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        ca + ".pem",
        "-CAkey",
        ca + ".key",
        "-set_serial",
        Long.toString(serial),
        "-days",
        "2",
        "-out",
        name + ".pem",
        "-extfile",
        name + ".ext");
    openssl(
        "pkcs12",
        "-export",
        "-in",
        name + ".pem",
        "-inkey",
        name + ".key",
        "-out",
        name + ".p12",
        "-passout",
        "pass:secret");
  }

  /** Runs openssl in {@link #dir}; fails with its output when it fails. */
  public String openssl(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output;
      try (InputStream in = p.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A client context trusting only the test CA, presenting {@code clientP12} (client.p12,
   * stranger.p12) when given; records the serial of each server certificate it checks.
   */
  public Client client(Optional<String> clientP12) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      try (InputStream in = Files.newInputStream(caPem())) {
        trust.setCertificateEntry(
            "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      Client client = new Client((X509ExtendedTrustManager) tmf.getTrustManagers()[0]);
      KeyManagerFactory kmf = null;
      if (clientP12.isPresent()) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file(clientP12.get()))) {
          keys.load(in, "secret".toCharArray());
        }
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "secret".toCharArray());
      }
      client.context.init(
          kmf == null ? null : kmf.getKeyManagers(),
          new javax.net.ssl.TrustManager[] {client},
          null);
      return client;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client TLS context that remembers the last server certificate serial it saw. */
  public static final class Client extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    public final SSLContext context;
    private final AtomicReference<BigInteger> lastSerial = new AtomicReference<>();

    Client(X509ExtendedTrustManager delegate) throws GeneralSecurityException {
      this.delegate = delegate;
      this.context = SSLContext.getInstance("TLS");
    }

    public BigInteger lastServerSerial() {
      return lastSerial.get();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      lastSerial.set(chain[0].getSerialNumber());
      delegate.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      lastSerial.set(chain[0].getSerialNumber());
      delegate.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      lastSerial.set(chain[0].getSerialNumber());
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}
