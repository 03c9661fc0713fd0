package io.cairn.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TlsPeerTest {
  /**
   * Self-signed, serial 0e:6c:42:3c:49:f2:8d:0d, URI SAN payments' SPIFFE ID (as Cairn's leaves).
   */
  private static final String PAYMENTS =
      """
      -----BEGIN CERTIFICATE-----
      MIIBuTCCAV6gAwIBAgIIDmxCPEnyjQ0wCgYIKoZIzj0EAwIwEzERMA8GA1UEAwwI
      cGF5bWVudHMwIBcNMjYxMjA0MDk0NzA4WhgPMjEyNjExMTAwOTQ3MDhaMBMxETAP
      BgNVBAMMCHBheW1lbnRzMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEbG0ymol+
      hy1q2vPlKa/XbH+t453Zjw5/PYVl5bB/70k3lk4WX2zjqRvNKrBMEFu7kS8V8fuR
      QvBlqp0Hig9LxaOBmTCBljAdBgNVHQ4EFgQUyCW4Cy6CXn0detBK5waIjDl7HDgw
      HwYDVR0jBBgwFoAUyCW4Cy6CXn0detBK5waIjDl7HDgwDwYDVR0TAQH/BAUwAwEB
      /zBDBgNVHREEPDA6hjhzcGlmZmU6Ly8xMTExLTIyMjIuY29uc3VsL25zL2RlZmF1
      bHQvZGMvZGMxL3N2Yy9wYXltZW50czAKBggqhkjOPQQDAgNJADBGAiEAvnBS4wrw
      eDw2ZBkEpJpEqTJJfc53wfE7dY4t0u62TG8CIQCZBENnx6W9byv5zQ+JY7Vc8Ivt
      xUSee5BBnhLqbPJVKA==
      -----END CERTIFICATE-----
      """;

  /** Self-signed, serial 7f, no subject alternative name. */
  private static final String PLAIN =
      """
      -----BEGIN CERTIFICATE-----
      MIIBZDCCAQqgAwIBAgIBfzAKBggqhkjOPQQDAjAQMQ4wDAYDVQQDDAVwbGFpbjAg
      Fw0yNjEyMDQwOTQ3MDhaGA8yMTI2MTExMDA5NDcwOFowEDEOMAwGA1UEAwwFcGxh
      aW4wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAS2vcWd1BXvRYFO0p0r/yYhQFTR
      lQytD4h1ZVxaGNyDKLOYY8MelyUZzaHQvQ9/Jc+Z/8wB5egu+XZE0RF5/RpGo1Mw
      UTAdBgNVHQ4EFgQU0LYFih4iaLmmfzRB7s4lD3JwTq4wHwYDVR0jBBgwFoAU0LYF
      ih4iaLmmfzRB7s4lD3JwTq4wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNI
      ADBFAiEA+f9VThhAbsRmKVtHjrmxv6C+uWFqwM+HxwrMG+YNfZgCIAM51fD4vZBF
      yhK32yLaFHJq/ET1BBJdCV9lV2JBxEwR
      -----END CERTIFICATE-----
      """;

  private static Certificate cert(String pem) throws Exception {
    return CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void namesThePeerByTheSpiffeIdAndSerialOfTheFirstCertificate() throws Exception {
    assertThat(TlsPeer.first(List.of(cert(PAYMENTS), cert(PLAIN))))
        .contains(
            new TlsPeer(
                "spiffe://1111-2222.consul/ns/default/dc/dc1/svc/payments",
                "0e:6c:42:3c:49:f2:8d:0d"));
  }

  @Test
  void aCertificateWithoutASpiffeIdOrNoCertificateIsNoPeer() throws Exception {
    assertThat(TlsPeer.first(List.of(cert(PLAIN), cert(PAYMENTS)))).isEmpty();
    assertThat(TlsPeer.first(List.of())).isEmpty();
    assertThat(TlsPeer.of(null)).isEqualTo(Optional.empty());
  }

  @Test
  void refusesAnIdThatIsNotSpiffe() {
    assertThatThrownBy(() -> new TlsPeer("https://example.com", "01"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a SPIFFE ID");
  }
}
