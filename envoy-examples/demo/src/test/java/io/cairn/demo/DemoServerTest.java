package io.cairn.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DemoServerTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersWithItsIdentityOverGrpcAndHttpAndServesGrpcHealth() throws Exception {
    Identity api = new Identity("api", Optional.of("v2"), "api-2");
    try (DemoServer server =
        DemoServer.start(api, LOOPBACK, OptionalInt.of(0), OptionalInt.of(0), Optional.empty())) {
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", server.grpcPort().getAsInt(), InsecureChannelCredentials.create())
              .build();
      try {
        Tally tally = new ProxylessClient(channel, Duration.ofSeconds(5)).run(3);
        assertThat(tally.replies()).isEqualTo(Map.of("api v2 (api-2)", 3));
        assertThat(
                HealthGrpc.newBlockingStub(channel)
                    .check(HealthCheckRequest.newBuilder().setService("demo.Who").build())
                    .getStatus())
            .isEqualTo(ServingStatus.SERVING);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      String base = "http://127.0.0.1:" + server.httpPort().getAsInt();
      assertThat(get(base + "/").body()).isEqualTo("api v2 (api-2)\n");
      assertThat(get(base + "/health").body()).isEqualTo("ok\n");
    }
  }

  @Test
  void withAnUpstreamItAnswersWithTheUpstreamsAnswerOrA502() throws Exception {
    try (DemoServer api =
            DemoServer.start(
                new Identity("api", Optional.of("v1"), "api-1"),
                LOOPBACK,
                OptionalInt.empty(),
                OptionalInt.of(0),
                Optional.empty());
        DemoServer web =
            DemoServer.start(
                new Identity("web", Optional.empty(), "web-1"),
                LOOPBACK,
                OptionalInt.empty(),
                OptionalInt.of(0),
                Optional.of(URI.create("http://127.0.0.1:" + api.httpPort().getAsInt() + "/")))) {
      HttpResponse<String> through = get("http://127.0.0.1:" + web.httpPort().getAsInt() + "/");
      assertThat(through.statusCode()).isEqualTo(200);
      assertThat(through.body()).isEqualTo("web (web-1) -> api v1 (api-1)\n");
      assertThat(web.grpcPort()).isEmpty();

      api.close();
      HttpResponse<String> down = get("http://127.0.0.1:" + web.httpPort().getAsInt() + "/");
      assertThat(down.statusCode()).isEqualTo(502);
      assertThat(down.body()).startsWith("web (web-1) -> upstream unreachable");
    }
  }
}
