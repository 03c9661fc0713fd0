package io.grpc.xds.client;

import com.google.protobuf.Any;
import java.util.List;
import java.util.Map;

/**
 * Test bridge to {@link XdsResourceType#parse}, package-private in grpc-java: runs the validation a
 * grpc-java client applies to a response and returns its errors (a NACK's detail).
 */
public final class GrpcJavaParser {
  /** The instance the bootstrap defines, as a client's or server's that opted in to mTLS. */
  public static final String CERTIFICATE_PROVIDER = "cairn";

  private static final Bootstrapper.ServerInfo SERVER =
      Bootstrapper.ServerInfo.create("cairn:18000", Map.of(), false, true, false, false);
  private static final Bootstrapper.BootstrapInfo BOOTSTRAP =
      Bootstrapper.BootstrapInfo.builder()
          .servers(List.of(SERVER))
          .node(EnvoyProtoData.Node.newBuilder().setId("cairn-test").build())
          // The certificate provider instance the tests' mTLS resources name.
          .certProviders(
              Map.of(
                  CERTIFICATE_PROVIDER,
                  Bootstrapper.CertificateProviderInfo.create("file_watcher", Map.of())))
          .build();

  private GrpcJavaParser() {}

  public static List<String> errors(XdsResourceType<?> type, Any resource) {
    XdsResourceType.Args args =
        new XdsResourceType.Args(
            SERVER,
            "1",
            "nonce",
            BOOTSTRAP,
            // What a server listener's DownstreamTlsContext is handed to (gRFC A29, A36).
            new io.grpc.xds.internal.security.TlsContextManagerImpl(BOOTSTRAP),
            null);
    return List.copyOf(type.parse(args, List.of(resource)).errors);
  }
}
