package io.cairn.registry.ca;

import io.cairn.registry.validation.Problems;
import java.time.Duration;

/**
 * How the CA issues: Consul's {@code LeafCertTTL}, {@code PrivateKeyType}, {@code PrivateKeyBits}
 * and {@code RootCertTTL}.
 *
 * @param leafCertTtl how long a leaf certificate is valid, 1 hour to 1 year (default 72 hours)
 * @param privateKeyType {@code ec} (default) or {@code rsa}
 * @param privateKeyBits 256 or 384 for EC (default 256), 2048 or 4096 for RSA
 * @param rootCertTtl how long a root is valid, 1 to 20 years (default 10 years)
 */
public record CaConfiguration(
    Duration leafCertTtl, String privateKeyType, int privateKeyBits, Duration rootCertTtl) {
  public static final CaConfiguration DEFAULT =
      new CaConfiguration(Duration.ofHours(72), "ec", 256, Duration.ofDays(3650));

  public CaConfiguration {
    Problems p = new Problems();
    if (leafCertTtl == null
        || leafCertTtl.compareTo(Duration.ofHours(1)) < 0
        || leafCertTtl.compareTo(Duration.ofDays(365)) > 0) {
      p.add("Config.LeafCertTTL", "must be between 1h and 8760h, was " + leafCertTtl);
    }
    if (rootCertTtl == null
        || rootCertTtl.compareTo(Duration.ofDays(365)) < 0
        || rootCertTtl.compareTo(Duration.ofDays(7300)) > 0) {
      p.add("Config.RootCertTTL", "must be between 8760h and 175200h, was " + rootCertTtl);
    }
    if ("ec".equals(privateKeyType)) {
      p.check(
          privateKeyBits == 256 || privateKeyBits == 384,
          "Config.PrivateKeyBits",
          "must be 256 or 384 for ec, was " + privateKeyBits);
    } else if ("rsa".equals(privateKeyType)) {
      p.check(
          privateKeyBits == 2048 || privateKeyBits == 4096,
          "Config.PrivateKeyBits",
          "must be 2048 or 4096 for rsa, was " + privateKeyBits);
    } else {
      p.add("Config.PrivateKeyType", "must be ec or rsa, was '" + privateKeyType + "'");
    }
    if (leafCertTtl != null && rootCertTtl != null && leafCertTtl.compareTo(rootCertTtl) >= 0) {
      p.add("Config.LeafCertTTL", "must be shorter than RootCertTTL");
    }
    p.throwIfAny();
  }

  /** Whether roots made with {@code other} would have a different key. */
  public boolean sameKey(CaConfiguration other) {
    return privateKeyType.equals(other.privateKeyType) && privateKeyBits == other.privateKeyBits;
  }
}
