package io.cairn.xds.server;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@code demo.Who/Am} backend that fails every call's first attempt with UNAVAILABLE and answers
 * retries (attempts carrying {@code grpc-previous-rpc-attempts}, gRFC A6) with its name: calls
 * succeed only if the client retries.
 */
final class FirstAttemptFails implements AutoCloseable {
  private static final Metadata.Key<String> PREVIOUS_ATTEMPTS =
      Metadata.Key.of("grpc-previous-rpc-attempts", Metadata.ASCII_STRING_MARSHALLER);

  private final Server server;
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();

  FirstAttemptFails(String name) throws IOException {
    ServerServiceDefinition who =
        ServerServiceDefinition.builder("demo.Who")
            .addMethod(
                Backend.WHO,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      answered.incrementAndGet();
                      response.onNext(name);
                      response.onCompleted();
                    }))
            .build();
    ServerInterceptor firstFails =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            if (headers.get(PREVIOUS_ATTEMPTS) == null) {
              refused.incrementAndGet();
              call.close(Status.UNAVAILABLE.withDescription("first attempt"), new Metadata());
              return new ServerCall.Listener<>() {};
            }
            return next.startCall(call, headers);
          }
        };
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(ServerInterceptors.intercept(who, firstFails))
            .build()
            .start();
  }

  int port() {
    return server.getPort();
  }

  /** First attempts refused so far. */
  int refused() {
    return refused.get();
  }

  /** Retries answered so far. */
  int answered() {
    return answered.get();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
