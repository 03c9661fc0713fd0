package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.fuzz.FuzzRun;
import io.cairn.registry.fuzz.Mutator;
import io.cairn.registry.fuzz.ThreadCounts;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.Upstream;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.cairn.xds.TestCa;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile bytes on the xDS port: raw garbage, an HTTP/2 preface followed by mutated frames, a real
 * ADS call whose gRPC message is a mutated or random protobuf, truncated frames, and a burst of
 * connections opened and dropped. Afterwards an Envoy-shaped ADS client still gets its clusters, no
 * stream is left tracked and the thread count is back near where it was.
 */
class XdsFuzzIT {
  private static final String ADS_PATH =
      "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources";
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;
  private Registry registry;
  private XdsServer xds;

  @BeforeEach
  void start() {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    registry.apply(TestCa.setUp());
    xds =
        CheckedXds.start(
            XdsSettings.loopback(0),
            Core.of(registry, new SimpleMeterRegistry()),
            Optional.empty());
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("api-1", "api").address("10.0.0.1").port(8080).build()));
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("web-1-sidecar-proxy", "web-sidecar-proxy")
                .address("10.0.1.1")
                .port(21000)
                .kind(
                    new ConnectProxy(
                        "web",
                        java.util.Optional.of("web-1"),
                        "127.0.0.1",
                        8080,
                        List.of(new Upstream("api", 9191))))
                .build()));
  }

  @AfterEach
  void stop() {
    xds.close();
    registry.close();
  }

  /** A whole connection's bytes: preface, SETTINGS, HEADERS opening an ADS call, one DATA. */
  static byte[] adsCall(byte[] grpcMessage, boolean endStream) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(PREFACE);
    out.writeBytes(frame(0x4, 0, 0, new byte[0])); // SETTINGS, empty
    ByteArrayOutputStream headers = new ByteArrayOutputStream();
    for (String[] h :
        new String[][] {
          {":method", "POST"},
          {":scheme", "http"},
          {":path", ADS_PATH},
          {":authority", "127.0.0.1"},
          {"content-type", "application/grpc"},
          {"te", "trailers"}
        }) {
      // HPACK literal header field without indexing, new name, no Huffman (RFC 7541 6.2.2).
      headers.write(0x00);
      headers.write(h[0].length());
      headers.writeBytes(h[0].getBytes(StandardCharsets.US_ASCII));
      headers.write(h[1].length());
      headers.writeBytes(h[1].getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(frame(0x1, 0x4, 1, headers.toByteArray())); // HEADERS, END_HEADERS
    byte[] data = new byte[5 + grpcMessage.length];
    data[1] = (byte) (grpcMessage.length >>> 24);
    data[2] = (byte) (grpcMessage.length >>> 16);
    data[3] = (byte) (grpcMessage.length >>> 8);
    data[4] = (byte) grpcMessage.length;
    System.arraycopy(grpcMessage, 0, data, 5, grpcMessage.length);
    out.writeBytes(frame(0x0, endStream ? 0x1 : 0, 1, data));
    return out.toByteArray();
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (payload.length >>> 16);
    f[1] = (byte) (payload.length >>> 8);
    f[2] = (byte) payload.length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    f[5] = (byte) (stream >>> 24);
    f[6] = (byte) (stream >>> 16);
    f[7] = (byte) (stream >>> 8);
    f[8] = (byte) stream;
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  static List<byte[]> seeds() {
    byte[] request =
        DiscoveryRequest.newBuilder()
            .setNode(Node.newBuilder().setId("web-1-sidecar-proxy").setUserAgentName("envoy"))
            .setTypeUrl(AdsClient.CLUSTER)
            .addResourceNames("api")
            .build()
            .toByteArray();
    byte[] random = new byte[64];
    new Random(1).nextBytes(random);
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(adsCall(request, false));
    seeds.add(adsCall(request, true));
    seeds.add(adsCall(random, true)); // a gRPC frame whose message is not a DiscoveryRequest
    seeds.add(PREFACE);
    seeds.add(frame(0x4, 0, 0, new byte[0]));
    return seeds;
  }

  @Test
  @Timeout(120)
  void hostileBytesLeaveTheServerServingAndNoStreamsOrThreadsBehind() throws Exception {
    try (AdsClient warmup = new AdsClient(xds.port(), "web-1-sidecar-proxy", "web")) {
      warmup.subscribe(AdsClient.CLUSTER);
      warmup.await(AdsClient.CLUSTER, r -> r.getResourcesCount() > 0, Duration.ofSeconds(10));
    }
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> xds.proxies().isEmpty());
    int baseline = ThreadCounts.live();

    FuzzRun run = FuzzRun.of("xds-connections", 20261124L, 200);
    run.run(
        seed -> new Mutator(new Random(seed), seeds(), List.of()),
        bytes -> {
          try (Socket s = new Socket("127.0.0.1", xds.port())) {
            s.setSoTimeout(50);
            OutputStream out = s.getOutputStream();
            try {
              out.write(bytes);
              out.flush();
            } catch (SocketException e) {
              return "closed while writing";
            }
            String outcome = drain(s.getInputStream());
            s.close();
            // Found by this test: a call that asked for an unknown type and half-closed stayed
            // listed as a connected proxy after its connection was gone.
            // Read once per pass: under load the server may start the call only now, and list
            // it for a moment before its cancellation arrives; only one listed for 5 s fails.
            long until = System.nanoTime() + 5_000_000_000L;
            boolean empty;
            while (!(empty = xds.proxies().isEmpty()) && System.nanoTime() < until) {
              Thread.sleep(20);
            }
            if (!empty) {
              throw new AssertionError(
                  "stream left tracked after " + outcome + ": " + xds.proxies());
            }
            return outcome;
          }
        });

    // A burst of connections opened together, then dropped: half after a preface, half with RST.
    List<Socket> burst = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Socket s = new Socket("127.0.0.1", xds.port());
      if (i % 2 == 0) {
        s.getOutputStream().write(PREFACE);
      } else {
        s.setSoLinger(true, 0);
      }
      burst.add(s);
    }
    for (Socket s : burst) {
      s.close();
    }

    try (AdsClient envoy = new AdsClient(xds.port(), "web-1-sidecar-proxy", "web")) {
      envoy.subscribe(AdsClient.CLUSTER);
      var clusters =
          envoy.await(AdsClient.CLUSTER, r -> r.getResourcesCount() > 0, Duration.ofSeconds(10));
      List<String> names = new ArrayList<>();
      for (var any : clusters.getResourcesList()) {
        names.add(any.unpack(Cluster.class).getName());
      }
      assertThat(names).contains("api");
      assertThat(xds.proxies()).hasSize(1);
    }
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> xds.proxies().isEmpty());
    int after = ThreadCounts.settleTo(baseline, 4, Duration.ofSeconds(15));
    System.out.printf("xds threads: baseline=%d after=%d%n", baseline, after);
    assertThat(after).isLessThanOrEqualTo(baseline + 4);
  }

  @Test
  void aCallForAnUnknownTypeThatHalfClosesIsForgottenWhenItsConnectionGoes() throws Exception {
    // Found by fuzzing: java-control-plane calls no close callback for such a call, and the
    // proxy stayed listed (and its stream state held) after its connection was gone.
    io.grpc.ManagedChannel channel =
        io.grpc.Grpc.newChannelBuilderForAddress(
                "127.0.0.1", xds.port(), io.grpc.InsecureChannelCredentials.create())
            .build();
    try {
      var requests =
          io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc.newStub(channel)
              .streamAggregatedResources(
                  new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(
                        io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse value) {}

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(
          DiscoveryRequest.newBuilder()
              .setNode(Node.newBuilder().setId("web-1-sidecar-proxy").setUserAgentName("envoy"))
              .setTypeUrl("type.googleapis.com/envoy.config.clusterjv3.Cluster")
              .build());
      requests.onCompleted();
      Thread.sleep(500); // for the server to take the request in; it may end the call at once
    } finally {
      channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> xds.proxies().isEmpty());
  }

  /** What the server did within 50 ms: "answered", "closed", "reset" or "open" (still waiting). */
  private static String drain(InputStream in) throws Exception {
    byte[] buf = new byte[8192];
    int total = 0;
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        total += n;
      }
      return total > 0 ? "answered+closed" : "closed";
    } catch (SocketTimeoutException e) {
      return total > 0 ? "answered" : "open";
    } catch (SocketException e) {
      return "reset";
    }
  }
}
