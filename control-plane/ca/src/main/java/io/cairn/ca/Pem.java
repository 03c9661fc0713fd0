package io.cairn.ca;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM in and out for certificates and PKCS#8 keys. */
final class Pem {
  private Pem() {}

  static String of(X509Certificate cert) {
    return write(cert);
  }

  static String of(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new CaException("cannot encode a private key", e);
    }
  }

  private static String write(Object value) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(value);
    } catch (IOException e) {
      throw new CaException("cannot encode PEM", e);
    }
    return out.toString();
  }

  static X509Certificate certificate(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      if (parser.readObject() instanceof X509CertificateHolder holder) {
        return new JcaX509CertificateConverter().getCertificate(holder);
      }
      throw new CaException("not a PEM certificate", null);
    } catch (IOException | CertificateException e) {
      throw new CaException("cannot read a PEM certificate: " + e.getMessage(), e);
    }
  }

  static PrivateKey privateKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object read = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      return switch (read) {
        case PrivateKeyInfo info -> converter.getPrivateKey(info);
        case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
        case null, default -> throw new CaException("not a PEM private key", null);
      };
    } catch (IOException e) {
      throw new CaException("cannot read a PEM private key: " + e.getMessage(), e);
    }
  }
}
