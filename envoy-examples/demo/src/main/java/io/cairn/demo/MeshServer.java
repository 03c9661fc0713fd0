package io.cairn.demo;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Connect-native demo service: grpc-java's xDS server ({@code XdsServerBuilder} with {@code
 * XdsServerCredentials}). It serves once Cairn sends its listener (gRFC A36), with the TLS settings
 * (certificates from the bootstrap's certificate provider, client certificates required) and the
 * RBAC of its intentions (gRFC A41) in it. {@code demo.Who/Am} answers {@code payments
 * (payments-1), called by <the caller's SPIFFE ID>}, the identity the server saw in the caller's
 * certificate. The bootstrap is grpc-java's own: {@code GRPC_XDS_BOOTSTRAP}.
 */
final class MeshServer {
  private static final Context.Key<Optional<TlsPeer>> CALLER = Context.key("caller");

  private MeshServer() {}

  /** Starts serving {@code Who/Am} on {@code address}; {@code log} gets a line per event. */
  static Server start(Identity identity, InetSocketAddress address, PrintStream log)
      throws IOException {
    String where = address.getAddress().getHostAddress() + ":" + address.getPort();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    ServerServiceDefinition who =
        ServerServiceDefinition.builder(Who.SERVICE)
            .addMethod(
                Who.AM,
                ServerCalls.asyncUnaryCall(
                    (request, reply) -> {
                      Optional<TlsPeer> caller = CALLER.get();
                      caller
                          .filter(c -> seen.add(c.serial()))
                          .ifPresent(
                              c ->
                                  log.printf(
                                      "call from %s (certificate serial %s)%n",
                                      c.spiffeId(), c.serial()));
                      reply.onNext(
                          identity.describe()
                              + ", called by "
                              + caller.map(TlsPeer::spiffeId).orElse("a peer with no SPIFFE ID"));
                      reply.onCompleted();
                    }))
            .build();
    return XdsServerBuilder.forAddress(
            address, XdsServerCredentials.create(InsecureServerCredentials.create()))
        .xdsServingStatusListener(
            new XdsServerBuilder.XdsServingStatusListener() {
              @Override
              public void onServing() {
                log.printf("%s: gRPC with mTLS on %s, serving%n", identity.describe(), where);
              }

              @Override
              public void onNotServing(Throwable why) {
                log.printf("%s: not serving on %s: %s%n", identity.describe(), where, why);
              }
            })
        .addService(ServerInterceptors.intercept(who, new CallerFromCertificate()))
        .build()
        .start();
  }

  /** Puts the caller's identity, from the TLS session of the call's connection, in the context. */
  private static final class CallerFromCertificate implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      Optional<TlsPeer> caller =
          TlsPeer.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
      return Contexts.interceptCall(
          Context.current().withValue(CALLER, caller), call, headers, next);
    }
  }
}
