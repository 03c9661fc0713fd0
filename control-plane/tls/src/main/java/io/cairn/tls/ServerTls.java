package io.cairn.tls;

import java.math.BigInteger;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's TLS credentials, re-read from their files whenever the content changes. The key and
 * trust managers it hands out always answer with the newest good credentials, so one instance
 * serves every listener and a reload needs no listener restart: new handshakes see new
 * certificates, open connections carry on. A bad new file is logged and the old credentials stay.
 */
public final class ServerTls implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

  private final TlsFiles files;
  private final AtomicLong generation = new AtomicLong();
  private volatile Credentials current;
  // The generation before the current one: a handshake that chose its alias just before a
  // reload still finds its key.
  private volatile Credentials previous;
  private volatile List<byte[]> lastSeen;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("cairn-tls-reload").daemon().factory());
  private final KeyManager keyManager = new KeyManager();
  private final TrustManager trustManager = new TrustManager();

  private ServerTls(TlsFiles files) {
    this.files = files;
    this.current = Credentials.load(files, alias(generation.get()));
    this.previous = current;
    this.lastSeen = current.content();
    long every = files.reloadInterval().toMillis();
    timer.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Reads the files and starts watching them.
   *
   * @throws TlsException with every problem when the files cannot be used
   */
  public static ServerTls start(TlsFiles files) {
    ServerTls tls = new ServerTls(files);
    log.atInfo()
        .addKeyValue("cert", files.certFile())
        .addKeyValue("subject", tls.current.certificate().getSubjectX500Principal().getName())
        .addKeyValue("client-certs", files.mutual() ? "required" : "not asked for")
        .log("TLS credentials loaded");
    return tls;
  }

  /** Every problem that would stop {@link #start} from using the files, for settings checks. */
  public static List<String> check(TlsFiles files) {
    try {
      Credentials.load(files, "check");
      return List.of();
    } catch (TlsException e) {
      return e.problems();
    }
  }

  private static String alias(long generation) {
    return "cairn-" + generation;
  }

  /** Re-reads the files; public so tests and signals need not wait for the timer. */
  public void reloadIfChanged() {
    List<String> problems = new ArrayList<>();
    List<byte[]> content = Credentials.read(files, problems);
    if (!problems.isEmpty()) {
      log.warn("TLS files unreadable, keeping the current credentials: {}", problems);
      return;
    }
    if (Credentials.same(current.content(), content) || Credentials.same(lastSeen, content)) {
      return;
    }
    lastSeen = content;
    try {
      Credentials next = Credentials.build(files, content, alias(generation.incrementAndGet()));
      previous = current;
      current = next;
      log.atInfo()
          .addKeyValue("subject", next.certificate().getSubjectX500Principal().getName())
          .addKeyValue("serial", next.certificate().getSerialNumber().toString(16))
          .log("TLS credentials reloaded");
    } catch (TlsException e) {
      // Often a half-written pair (new cert, old key): the next change is tried again.
      log.warn("new TLS files rejected, keeping the current credentials: {}", e.problems());
    }
  }

  /** The serial number of the certificate now served. */
  public BigInteger serial() {
    return current.certificate().getSerialNumber();
  }

  /** Whether clients must present a certificate signed by the client CA bundle. */
  public boolean mutual() {
    return files.mutual();
  }

  /** Always answers with the newest credentials. */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  /** Checks client certificates against the newest CA bundle; present only for mTLS. */
  public Optional<X509ExtendedTrustManager> trustManager() {
    return files.mutual() ? Optional.of(trustManager) : Optional.empty();
  }

  /** A TLS context using {@link #keyManager()} and, for mTLS, {@link #trustManager()}. */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          new javax.net.ssl.KeyManager[] {keyManager},
          trustManager().map(t -> new javax.net.ssl.TrustManager[] {t}).orElse(null),
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JDK", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private final class KeyManager extends X509ExtendedKeyManager {
    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return current.keyManager().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return current.keyManager().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return current.keyManager().getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      X509Certificate[] chain = current.keyManager().getCertificateChain(alias);
      return chain != null ? chain : previous.keyManager().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      PrivateKey key = current.keyManager().getPrivateKey(alias);
      return key != null ? key : previous.keyManager().getPrivateKey(alias);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  private final class TrustManager extends X509ExtendedTrustManager {
    private X509ExtendedTrustManager delegate() {
      return current.trustManager().orElseThrow();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("a server's trust manager checks clients only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("a server's trust manager checks clients only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a server's trust manager checks clients only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate().getAcceptedIssuers();
    }
  }
}
