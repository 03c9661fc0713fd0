package io.cairn.ca;

import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaRoot;
import io.cairn.registry.ca.CaSetup;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the CA's certificates: self-signed roots, a new root's cross-signature by the old one, and
 * service leaves. Stateless; keys come from the JDK, certificates from Bouncy Castle's builders.
 */
public final class CertificateAuthority {
  /** Leaves start a minute in the past, so a peer whose clock is a little behind accepts them. */
  private static final Duration BACKDATE = Duration.ofMinutes(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private CertificateAuthority() {}

  /** A new CA with one root and a trust domain chosen now, kept for the CA's life. */
  public static CaSetup create(CaConfiguration config, String trustDomain, Instant now) {
    CaRoot root = newRoot(config, trustDomain, now);
    return new CaSetup(trustDomain, config, root.id(), List.of(root));
  }

  /**
   * {@code setup} with a new active root made with {@code config}, cross-signed by the current
   * active root so leaves of the new root are trusted by proxies that still have only the old one.
   * Earlier roots stay listed (the oldest beyond {@link CaSetup#MAX_ROOTS} are dropped), and their
   * leaves keep validating until they expire.
   */
  public static CaSetup rotate(CaSetup setup, CaConfiguration config, Instant now) {
    CaRoot old = setup.activeRoot();
    CaRoot fresh = newRoot(config, setup.trustDomain(), now);
    fresh = fresh.withIntermediates(List.of(crossSign(old, fresh, now)));
    List<CaRoot> roots = new ArrayList<>(setup.roots());
    roots.add(fresh);
    while (roots.size() > CaSetup.MAX_ROOTS) {
      roots.removeFirst();
    }
    return new CaSetup(setup.trustDomain(), config, fresh.id(), roots);
  }

  static CaRoot newRoot(CaConfiguration config, String trustDomain, Instant now) {
    KeyPair keys = keyPair(config.privateKeyType(), config.privateKeyBits());
    BigInteger serial = serial();
    X500Name subject = new X500Name("CN=Cairn CA Root " + serial.toString(16) + ",O=Cairn");
    Instant notAfter = now.plus(config.rootCertTtl());
    X509Certificate cert =
        build(
            builder(subject, serial, now.minus(BACKDATE), notAfter, subject, keys.getPublic()),
            true,
            keys.getPublic(),
            keys.getPublic(),
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature),
            uri("spiffe://" + trustDomain),
            keys.getPrivate());
    return new CaRoot(
        fingerprint(cert),
        "Cairn CA Root Cert",
        serial.longValue(),
        keyId(keys.getPublic()),
        cert.getNotBefore().toInstant().toEpochMilli(),
        notAfter.toEpochMilli(),
        Pem.of(cert),
        List.of(),
        config.privateKeyType(),
        config.privateKeyBits(),
        Pem.of(keys.getPrivate()));
  }

  /** {@code fresh}'s subject and key certified by {@code old}: the rotation's bridge. */
  static String crossSign(CaRoot old, CaRoot fresh, Instant now) {
    X509Certificate oldCert = Pem.certificate(old.rootCertPem());
    X509Certificate freshCert = Pem.certificate(fresh.rootCertPem());
    Instant notAfter =
        fresh.notAfter().isBefore(old.notAfter()) ? fresh.notAfter() : old.notAfter();
    X509Certificate cross =
        build(
            builder(
                X500Name.getInstance(oldCert.getSubjectX500Principal().getEncoded()),
                serial(),
                now.minus(BACKDATE),
                notAfter,
                X500Name.getInstance(freshCert.getSubjectX500Principal().getEncoded()),
                freshCert.getPublicKey()),
            true,
            freshCert.getPublicKey(),
            oldCert.getPublicKey(),
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature),
            uri("spiffe://" + trustDomainOf(freshCert)),
            Pem.privateKey(old.privateKeyPem()));
    return Pem.of(cross);
  }

  /** A leaf for {@code service} signed by the active root, valid for the configured TTL. */
  public static Leaf issue(CaSetup setup, String datacenter, String service, Instant now) {
    CaRoot root = setup.activeRoot();
    Signer signer = signer(root);
    X509Certificate rootCert = signer.cert();
    KeyPair keys = keyPair(setup.config().privateKeyType(), setup.config().privateKeyBits());
    SpiffeId id = new SpiffeId(setup.trustDomain(), datacenter, service);
    BigInteger serial = serial();
    Instant validAfter = now.minus(BACKDATE);
    Instant validBefore = now.plus(setup.config().leafCertTtl());
    X509v3CertificateBuilder leaf =
        builder(
            X500Name.getInstance(rootCert.getSubjectX500Principal().getEncoded()),
            serial,
            validAfter,
            validBefore,
            new X500Name("CN=" + service),
            keys.getPublic());
    try {
      leaf.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    } catch (CertIOException e) {
      throw new CaException("cannot build a leaf for " + service, e);
    }
    X509Certificate cert =
        build(
            leaf,
            false,
            keys.getPublic(),
            rootCert.getPublicKey(),
            new KeyUsage(
                KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement),
            uri(id.toString()),
            signer.key());
    StringBuilder chain = new StringBuilder(Pem.of(cert));
    root.intermediateCertPems().forEach(chain::append);
    return new Leaf(
        colonHex(serial.toByteArray()),
        chain.toString(),
        Pem.of(keys.getPrivate()),
        id,
        root.id(),
        validAfter,
        validBefore);
  }

  /** A root's certificate and key, parsed once: parsing PEM cost more than signing a leaf. */
  private record Signer(X509Certificate cert, PrivateKey key) {}

  /** Parsed roots by ID; a CA keeps at most {@link CaSetup#MAX_ROOTS}, so this stays small. */
  private static final Map<String, Signer> SIGNERS = new ConcurrentHashMap<>();

  private static Signer signer(CaRoot root) {
    Signer s = SIGNERS.get(root.id());
    if (s == null) {
      if (SIGNERS.size() >= 64) {
        SIGNERS.clear();
      }
      s = new Signer(Pem.certificate(root.rootCertPem()), Pem.privateKey(root.privateKeyPem()));
      SIGNERS.put(root.id(), s);
    }
    return s;
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer,
      BigInteger serial,
      Instant notBefore,
      Instant notAfter,
      X500Name subject,
      PublicKey key) {
    return new JcaX509v3CertificateBuilder(
        issuer, serial, Date.from(notBefore), Date.from(notAfter), subject, key);
  }

  /** Adds the key identifiers, key usage and SAN every certificate has, then signs. */
  private static X509Certificate build(
      X509v3CertificateBuilder builder,
      boolean ca,
      PublicKey subjectKey,
      PublicKey issuerKey,
      KeyUsage usage,
      GeneralNames san,
      PrivateKey signer) {
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca))
          .addExtension(
              Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey))
          .addExtension(
              Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerKey))
          .addExtension(Extension.keyUsage, true, usage)
          .addExtension(Extension.subjectAlternativeName, false, san);
      String algorithm = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(signer)));
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new CaException("cannot build a certificate: " + e.getMessage(), e);
    }
  }

  private static GeneralNames uri(String uri) {
    return new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
  }

  private static String trustDomainOf(X509Certificate root) {
    try {
      for (List<?> san : root.getSubjectAlternativeNames()) {
        if (((Integer) san.get(0)) == GeneralName.uniformResourceIdentifier) {
          return ((String) san.get(1)).substring("spiffe://".length());
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      throw new CaException("cannot read a root's names", e);
    }
    throw new CaException("a root without a SPIFFE trust domain", null);
  }

  static KeyPair keyPair(String type, int bits) {
    try {
      if (type.equals("rsa")) {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(bits, RANDOM);
        return rsa.generateKeyPair();
      }
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
      ec.initialize(new ECGenParameterSpec(bits == 384 ? "secp384r1" : "secp256r1"), RANDOM);
      return ec.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new CaException("cannot make a " + type + " key", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(63, RANDOM).add(BigInteger.ONE);
  }

  /** SHA-1 of the DER certificate, colon-separated hex: Consul's root ID. */
  static String fingerprint(X509Certificate cert) {
    try {
      return colonHex(MessageDigest.getInstance("SHA-1").digest(cert.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new CaException("cannot fingerprint a certificate", e);
    }
  }

  private static String keyId(PublicKey key) {
    try {
      SubjectKeyIdentifier ski = new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key);
      return colonHex(ski.getKeyIdentifier());
    } catch (GeneralSecurityException e) {
      throw new CaException("cannot identify a key", e);
    }
  }

  static String colonHex(byte[] bytes) {
    return HexFormat.ofDelimiter(":").formatHex(bytes);
  }
}
