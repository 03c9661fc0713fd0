package io.cairn.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.cairn.ca.SpiffeId;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * Mutual TLS between sidecars, with the certificates over SDS on the same ADS stream ({@link
 * SecretTranslator}): the public listener requires a client certificate that chains to one of the
 * CA's roots (who may connect is then RBAC's business); a sidecar calling another presents its own
 * service's leaf and accepts only a server certificate carrying the target service's SPIFFE ID.
 */
public final class MeshTlsTranslator {
  static final String TLS = "envoy.transport_sockets.tls";

  private MeshTlsTranslator() {}

  /** For the public listener's filter chain. */
  public static TransportSocket downstream() {
    DownstreamTlsContext context =
        DownstreamTlsContext.newBuilder()
            .setCommonTlsContext(
                common().setValidationContextSdsSecretConfig(sds(SecretTranslator.ROOTS)))
            .setRequireClientCertificate(BoolValue.of(true))
            .build();
    return TransportSocket.newBuilder().setName(TLS).setTypedConfig(Any.pack(context)).build();
  }

  /** For a cluster whose endpoints are the sidecars of {@code target}'s service. */
  public static TransportSocket upstream(SpiffeId target) {
    CertificateValidationContext san =
        CertificateValidationContext.newBuilder()
            .addMatchTypedSubjectAltNames(
                SubjectAltNameMatcher.newBuilder()
                    .setSanType(SubjectAltNameMatcher.SanType.URI)
                    .setMatcher(StringMatcher.newBuilder().setExact(target.toString())))
            .build();
    UpstreamTlsContext context =
        UpstreamTlsContext.newBuilder()
            .setSni(sni(target))
            .setCommonTlsContext(
                common()
                    .setCombinedValidationContext(
                        CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                            .setDefaultValidationContext(san)
                            .setValidationContextSdsSecretConfig(sds(SecretTranslator.ROOTS))))
            .build();
    return TransportSocket.newBuilder().setName(TLS).setTypedConfig(Any.pack(context)).build();
  }

  /** Consul's server name for a service: {@code <service>.default.<dc>.internal.<trust domain>}. */
  public static String sni(SpiffeId id) {
    return id.service() + ".default." + id.datacenter() + ".internal." + id.trustDomain();
  }

  /** TLS 1.2 or later, this sidecar's leaf as its certificate. */
  private static CommonTlsContext.Builder common() {
    return CommonTlsContext.newBuilder()
        .setTlsParams(
            TlsParameters.newBuilder()
                .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2))
        .addTlsCertificateSdsSecretConfigs(sds(SecretTranslator.LEAF));
  }

  private static SdsSecretConfig sds(String name) {
    return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(AdsSource.ads()).build();
  }
}
