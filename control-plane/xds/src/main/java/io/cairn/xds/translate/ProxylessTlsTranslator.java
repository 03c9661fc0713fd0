package io.cairn.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * mTLS for proxyless gRPC (gRFC A29): TLS contexts whose certificates come from a certificate
 * provider instance the client's or server's bootstrap defines (for example a {@code file_watcher}
 * over the files {@code cairn connect certs} writes), never from Cairn over xDS. The identity is
 * the instance's {@code default} certificate, the roots its {@code ROOTCA} certificate (names a
 * {@code file_watcher} ignores); a client checks that the server's URI SAN is the destination's
 * SPIFFE ID.
 */
public final class ProxylessTlsTranslator {
  /** The transport socket gRPC reads TLS contexts from. */
  public static final String TLS_SOCKET = "envoy.transport_sockets.tls";

  static final String IDENTITY = "default";
  static final String ROOTS = "ROOTCA";

  private ProxylessTlsTranslator() {}

  /**
   * {@code cluster} dialed over mTLS: its {@code transport_socket} carries an UpstreamTlsContext
   * presenting the instance's identity and accepting only {@code spiffeId}.
   *
   * @param instance the certificate provider instance of the client's bootstrap
   * @param spiffeId the destination service's SPIFFE ID, matched exactly against the server's URI
   *     SAN
   */
  public static Cluster upstream(Cluster cluster, String instance, String spiffeId) {
    CertificateValidationContext validation =
        roots(instance).toBuilder()
            .addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(spiffeId))
            .build();
    UpstreamTlsContext tls =
        UpstreamTlsContext.newBuilder().setCommonTlsContext(common(instance, validation)).build();
    return cluster.toBuilder()
        .setTransportSocket(
            TransportSocket.newBuilder().setName(TLS_SOCKET).setTypedConfig(Any.pack(tls)))
        .build();
  }

  /**
   * A server's side (gRFC A36 filter chain): the instance's identity, and a client certificate
   * required and checked against the instance's roots. Who may call what is RBAC's business.
   */
  public static TransportSocket downstream(String instance) {
    DownstreamTlsContext tls =
        DownstreamTlsContext.newBuilder()
            .setCommonTlsContext(common(instance, roots(instance)))
            .setRequireClientCertificate(BoolValue.of(true))
            .build();
    return TransportSocket.newBuilder().setName(TLS_SOCKET).setTypedConfig(Any.pack(tls)).build();
  }

  /**
   * A service's identity, as in its leaf certificate: {@code
   * spiffe://<td>/ns/default/dc/<dc>/svc/<service>}.
   */
  public static String spiffeId(String trustDomain, String datacenter, String service) {
    return "spiffe://" + trustDomain + "/ns/default/dc/" + datacenter + "/svc/" + service;
  }

  private static CertificateValidationContext roots(String instance) {
    return CertificateValidationContext.newBuilder()
        .setCaCertificateProviderInstance(plugin(instance, ROOTS))
        .build();
  }

  private static CommonTlsContext common(String instance, CertificateValidationContext validation) {
    return CommonTlsContext.newBuilder()
        .setTlsCertificateProviderInstance(plugin(instance, IDENTITY))
        .setValidationContext(validation)
        .build();
  }

  private static CertificateProviderPluginInstance plugin(String instance, String certificate) {
    return CertificateProviderPluginInstance.newBuilder()
        .setInstanceName(instance)
        .setCertificateName(certificate)
        .build();
  }
}
