package io.cairn.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads certificates and unencrypted private keys from PEM text (the JDK 21 has no PEM API). */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
  // AlgorithmIdentifier of rsaEncryption with NULL parameters, to wrap a PKCS#1 key as PKCS#8.
  private static final byte[] RSA_ALGORITHM =
      HexFormat.of().parseHex("300d06092a864886f70d0101010500");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private Pem() {}

  /** Every certificate in the text, in order; an error if there is none. */
  static List<X509Certificate> certificates(byte[] pem) {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block block : blocks(pem)) {
        if (block.type().equals("CERTIFICATE")) {
          certs.add(
              (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("invalid certificate: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("no PEM CERTIFICATE block");
    }
    return certs;
  }

  /** The first private key in the text. */
  static PrivateKey privateKey(byte[] pem) {
    for (Block block : blocks(pem)) {
      switch (block.type()) {
        case "PRIVATE KEY" -> {
          return pkcs8(block.der());
        }
        case "RSA PRIVATE KEY" -> {
          return pkcs8(
              der(0x30, concat(der(0x02, new byte[] {0}), RSA_ALGORITHM, der(0x04, block.der()))));
        }
        case "ENCRYPTED PRIVATE KEY" ->
            throw new IllegalArgumentException(
                "encrypted private keys are not supported (decrypt with openssl pkcs8 -nocrypt)");
        case "EC PRIVATE KEY" ->
            throw new IllegalArgumentException(
                "SEC1 EC keys are not supported; convert with openssl pkcs8 -topk8 -nocrypt");
        default -> {
          // certificates or parameters next to the key
        }
      }
    }
    throw new IllegalArgumentException("no PEM PRIVATE KEY block");
  }

  private static PrivateKey pkcs8(byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("invalid or unsupported private key (RSA, EC, EdDSA)");
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(byte[] pem) {
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (m.find()) {
      String body = m.group(2).replaceAll("\\s", "");
      if (body.contains(":")) {
        // RFC 1421 headers (Proc-Type: 4,ENCRYPTED): an encrypted traditional key.
        throw new IllegalArgumentException(
            "encrypted private keys are not supported (decrypt with openssl pkcs8 -nocrypt)");
      }
      try {
        blocks.add(new Block(m.group(1), Base64.getDecoder().decode(body)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad base64 in PEM " + m.group(1) + " block", e);
      }
    }
    return blocks;
  }

  /** One DER element with a definite length. */
  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
