package io.cairn.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A demo service instance: answers {@code demo.Who/Am} over gRPC (what proxyless clients call, with
 * the gRPC health service for Cairn's check) and {@code GET /} over HTTP (what an Envoy sidecar
 * forwards to) with its {@link Identity}. {@code GET /health} answers {@code ok}.
 *
 * <p>With an upstream URL (web's sidecar listener for {@code api}), {@code GET /} calls it and
 * answers {@code web (web-1) -> api v1 (api-1)}: a request through the whole mesh.
 */
final class DemoServer implements AutoCloseable {
  private final Optional<Server> grpc;
  private final Optional<HttpServer> http;
  private final ExecutorService httpThreads;

  private DemoServer(
      Optional<Server> grpc, Optional<HttpServer> http, ExecutorService httpThreads) {
    this.grpc = grpc;
    this.http = http;
    this.httpThreads = httpThreads;
  }

  /**
   * @param grpcPort gRPC port, 0 for any free one; empty for no gRPC
   * @param httpPort HTTP port, 0 for any free one; empty for no HTTP
   */
  static DemoServer start(
      Identity identity,
      InetAddress bind,
      OptionalInt grpcPort,
      OptionalInt httpPort,
      Optional<URI> upstream)
      throws IOException {
    Optional<Server> grpc = Optional.empty();
    if (grpcPort.isPresent()) {
      HealthStatusManager health = new HealthStatusManager();
      health.setStatus(Who.SERVICE, ServingStatus.SERVING);
      grpc =
          Optional.of(
              NettyServerBuilder.forAddress(
                      new InetSocketAddress(bind, grpcPort.getAsInt()),
                      InsecureServerCredentials.create())
                  .addService(
                      ServerServiceDefinition.builder(Who.SERVICE)
                          .addMethod(
                              Who.AM,
                              ServerCalls.asyncUnaryCall(
                                  (request, reply) -> {
                                    reply.onNext(identity.describe());
                                    reply.onCompleted();
                                  }))
                          .build())
                  .addService(health.getHealthService())
                  .build()
                  .start());
    }
    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    Optional<HttpServer> http = Optional.empty();
    if (httpPort.isPresent()) {
      HttpServer server = HttpServer.create(new InetSocketAddress(bind, httpPort.getAsInt()), 0);
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      server.createContext("/health", exchange -> send(exchange, 200, "ok"));
      server.createContext(
          "/",
          exchange -> {
            if (upstream.isEmpty()) {
              send(exchange, 200, identity.describe());
            } else {
              Answer answer = call(client, upstream.get());
              send(exchange, answer.status(), identity.describe() + " -> " + answer.body());
            }
          });
      server.setExecutor(threads);
      server.start();
      http = Optional.of(server);
    }
    return new DemoServer(grpc, http, threads);
  }

  private record Answer(int status, String body) {}

  private static Answer call(HttpClient client, URI upstream) {
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(upstream).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      String body = response.body().strip();
      return response.statusCode() == 200
          ? new Answer(200, body)
          : new Answer(502, "upstream answered " + response.statusCode() + ": " + body);
    } catch (IOException e) {
      return new Answer(502, "upstream unreachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(503, "interrupted");
    }
  }

  private static void send(HttpExchange exchange, int status, String body) {
    try (exchange) {
      byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  OptionalInt grpcPort() {
    return grpc.map(s -> OptionalInt.of(s.getPort())).orElse(OptionalInt.empty());
  }

  OptionalInt httpPort() {
    return http.map(s -> OptionalInt.of(s.getAddress().getPort())).orElse(OptionalInt.empty());
  }

  @Override
  public void close() throws InterruptedException {
    http.ifPresent(s -> s.stop(0));
    httpThreads.shutdownNow();
    if (grpc.isPresent()) {
      grpc.get().shutdown().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
