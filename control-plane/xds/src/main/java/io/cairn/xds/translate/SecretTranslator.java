package io.cairn.xds.translate;

import io.cairn.ca.Leaf;
import io.cairn.registry.ca.CaRoot;
import io.cairn.registry.ca.CaSetup;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;

/**
 * SDS for Envoy sidecars. Every sidecar asks for the same two names (as Istio's {@code default} and
 * {@code ROOTCA}); each sidecar's snapshot holds its own service's leaf under {@code leaf}.
 */
public final class SecretTranslator {
  /** The sidecar's service's leaf certificate chain and private key. */
  public static final String LEAF = "leaf";

  /** Every root of the CA: a leaf of any of them, or of a root cross-signed by one, validates. */
  public static final String ROOTS = "roots";

  private SecretTranslator() {}

  public static Secret leaf(Leaf leaf) {
    return Secret.newBuilder()
        .setName(LEAF)
        .setTlsCertificate(
            TlsCertificate.newBuilder()
                .setCertificateChain(inline(leaf.certPem()))
                .setPrivateKey(inline(leaf.privateKeyPem())))
        .build();
  }

  /** The CA's roots, oldest first, as one PEM bundle. */
  public static Secret roots(CaSetup ca) {
    StringBuilder pem = new StringBuilder();
    for (CaRoot root : ca.roots()) {
      pem.append(root.rootCertPem());
      if (!root.rootCertPem().endsWith("\n")) {
        pem.append('\n');
      }
    }
    return Secret.newBuilder()
        .setName(ROOTS)
        .setValidationContext(
            CertificateValidationContext.newBuilder().setTrustedCa(inline(pem.toString())))
        .build();
  }

  private static DataSource inline(String pem) {
    return DataSource.newBuilder().setInlineString(pem).build();
  }
}
