package io.cairn.benchmarks;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * xDS fan-out ({@code bin/bench xds-fanout}), against the packaged server: {@code streams} ADS
 * streams (half state of the world, half delta, over {@code channels} connections) watch one
 * service's ClusterLoadAssignment and ACK every response. Then an instance is registered over HTTP,
 * and the time from its HTTP 200 to each stream having received an assignment with the new endpoint
 * is recorded (the ACK is sent on receipt). Target: p99 under 200 ms for 1,000 streams.
 *
 * <p>With {@code --sidecars}, every stream is an Envoy sidecar instead: {@code streams} instances
 * of {@code client} are registered, each with a sidecar whose upstream is {@code fan}, and each
 * stream connects as one of those proxies (its own snapshot group, sharing one snapshot). The mesh
 * CA is set up first (sidecars get no configuration without it), and an intention denies {@code
 * fan} -> {@code client}: each new {@code fan} instance (at an address of its own) is churn in a
 * source of the sidecars' intentions, and the state-of-the-world streams also watch their listeners
 * and count the listener responses the rounds push (identity is by SPIFFE ID, so none).
 */
final class XdsFanoutBenchmark {
  private static final Pattern XDS_PORT = Pattern.compile("xDS listening.*port=\"?(\\d+)");
  private static final String EDS =
      "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";

  private XdsFanoutBenchmark() {}

  static void run(List<String> args) throws Exception {
    int streams = 1000;
    int channels = 20;
    int rounds = 5;
    boolean sidecars = false;
    List<String> jvm = new ArrayList<>();
    for (int i = 0; i < args.size(); i += 2) {
      if (args.get(i).equals("--sidecars")) {
        sidecars = true;
        i--;
        continue;
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(args.get(i) + " needs a value");
      }
      switch (args.get(i)) {
        case "--streams" -> streams = Integer.parseInt(args.get(i + 1));
        case "--channels" -> channels = Integer.parseInt(args.get(i + 1));
        case "--rounds" -> rounds = Integer.parseInt(args.get(i + 1));
        case "--server-jvm-option" -> jvm.add(args.get(i + 1));
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    int s = streams;
    int c = channels;
    int r = rounds;
    boolean sc = sidecars;
    Cleanup.around(cleanup -> run(cleanup, s, c, r, sc, List.copyOf(jvm)));
  }

  /**
   * One watching stream: notes when it first sees an assignment with the endpoints it was armed
   * for. Armed before the change is made, so a push that outruns the driver is not missed.
   */
  static final class Watcher {
    final AtomicLong seenAt = new AtomicLong();
    final java.util.concurrent.atomic.AtomicInteger listenerPushes =
        new java.util.concurrent.atomic.AtomicInteger();
    // Guarded by this: the endpoints in the latest assignment, and what the stream waits for.
    private int latest = -1;
    private int responses;
    private int wanted = Integer.MAX_VALUE;
    private CountDownLatch done = new CountDownLatch(0);

    /** Waits for an assignment of at least {@code endpoints}; one already seen counts. */
    synchronized void arm(int endpoints, CountDownLatch latch) {
      seenAt.set(0);
      done = latch;
      wanted = endpoints;
      if (latest >= endpoints) {
        hit();
      }
    }

    synchronized void saw(ClusterLoadAssignment cla) {
      latest = cla.getEndpointsList().stream().mapToInt(l -> l.getLbEndpointsCount()).sum();
      responses++;
      if (latest >= wanted) {
        hit();
      }
    }

    private void hit() {
      if (seenAt.compareAndSet(0, System.nanoTime())) {
        done.countDown();
      }
    }

    synchronized String state() {
      return "%d endpoints after %d responses".formatted(latest, responses);
    }
  }

  private static void run(
      Cleanup cleanup,
      int streams,
      int channels,
      int rounds,
      boolean sidecars,
      List<String> jvmOptions)
      throws Exception {
    Path tmp = cleanup.tempDirectory("cairn-xds-fanout-");
    HttpClient http = HttpClient.newHttpClient();
    ServerProcess server =
        ServerProcess.start(
            ServerProcess.defaultJar(),
            tmp.resolve("data"),
            tmp.resolve("cairn.log"),
            jvmOptions,
            List.of());
    cleanup.add(() -> server.stop(Duration.ofSeconds(30)));
    server.awaitReady(http, Duration.ofSeconds(60));
    int xdsPort = server.loggedPort(XDS_PORT);
    register(http, server.base(), "fan-0", 20000);
    if (sidecars) {
      // Sets the mesh CA up (on first use), which names the sidecars' RBAC principals.
      HttpResponse<String> roots =
          http.send(
              HttpRequest.newBuilder(URI.create(server.base() + "/v1/connect/ca/roots")).build(),
              HttpResponse.BodyHandlers.ofString());
      if (roots.statusCode() != 200) {
        throw new IllegalStateException("CA roots: " + roots.statusCode() + " " + roots.body());
      }
      HttpResponse<String> intention =
          http.send(
              HttpRequest.newBuilder(URI.create(server.base() + "/v1/config"))
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          """
                          {"Kind":"service-intentions","Name":"client",
                           "Sources":[{"Name":"fan","Action":"deny"}]}"""))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (intention.statusCode() != 200) {
        throw new IllegalStateException(
            "intention: " + intention.statusCode() + " " + intention.body());
      }
      for (int i = 0; i < streams; i++) {
        put(
            http,
            server.base(),
            """
            {"ID":"client-%d","Name":"client","Address":"10.1.%d.%d","Port":8080,
             "Connect":{"SidecarService":{"Port":21000,"Proxy":{"Upstreams":[
               {"DestinationName":"fan","LocalBindPort":9191}]}}}}"""
                .formatted(i, i / 250, i % 250 + 1));
      }
    }

    double cpuBeforeStreams = server.cpuSeconds();
    List<ManagedChannel> pool = new ArrayList<>();
    for (int i = 0; i < channels; i++) {
      ManagedChannel ch =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", xdsPort, InsecureChannelCredentials.create())
              .build();
      pool.add(ch);
      cleanup.add(ch::shutdownNow);
    }
    List<Watcher> watchers = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      Watcher w = new Watcher();
      watchers.add(w);
      AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub =
          AggregatedDiscoveryServiceGrpc.newStub(pool.get(i % channels));
      Node node =
          sidecars
              ? Node.newBuilder()
                  .setId("client-" + i + "-sidecar-proxy")
                  .setCluster("client")
                  .setUserAgentName("envoy")
                  .build()
              : Node.newBuilder().setId("fanout-" + i).build();
      if (i % 2 == 0) {
        sotw(stub, node, w, "fan", sidecars);
      } else {
        delta(stub, node, w);
      }
    }
    System.out.printf(
        "xDS fan-out: %d ADS streams (%d SotW, %d delta) over %d connections watching svc 'fan'"
            + " as %s, %d cores, JDK %s%n",
        streams,
        (streams + 1) / 2,
        streams / 2,
        channels,
        sidecars ? "registered sidecars (upstream fan)" : "proxyless clients",
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    // Everyone has the first assignment before measuring.
    await(watchers, arm(watchers, 1), 1, Duration.ofSeconds(60));
    if (sidecars) {
      // And every state-of-the-world sidecar stream its first listeners.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (int i = 0; i < streams; i += 2) {
        while (watchers.get(i).listenerPushes.get() == 0) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("stream " + i + " got no listeners in 60 s");
          }
          Thread.sleep(10);
        }
      }
      watchers.forEach(w -> w.listenerPushes.set(0));
    }

    for (int round = 1; round <= rounds; round++) {
      CountDownLatch latch = arm(watchers, round + 1);
      ProcessCpu cpu = ProcessCpu.now();
      long registered = register(http, server.base(), "fan-" + round, 20000 + round);
      await(watchers, latch, round + 1, Duration.ofSeconds(30));
      double serverMs = ProcessCpu.millisSince(cpu, "cairn");
      double driverMs = ProcessCpu.millisSince(cpu, "driver");
      long[] delays = watchers.stream().mapToLong(w -> w.seenAt.get() - registered).toArray();
      Arrays.sort(delays);
      System.out.printf(
          "round %d: registration HTTP 200 -> new endpoint on all %d streams: p50 %.1f ms, p99"
              + " %.1f ms, max %.1f ms; CPU for the change: server %.0f ms, driver %.0f ms%n",
          round,
          streams,
          LatencyRecorder.quantileMillis(delays, 0.5),
          LatencyRecorder.quantileMillis(delays, 0.99),
          delays[delays.length - 1] / 1e6,
          serverMs,
          driverMs);
    }
    if (sidecars) {
      System.out.printf(
          "churn in a source (fan, denied by client's intentions): %d listener responses to the"
              + " %d state-of-the-world sidecar streams over %d rounds%n",
          watchers.stream().mapToInt(w -> w.listenerPushes.get()).sum(), (streams + 1) / 2, rounds);
    }
    System.out.printf(
        "server CPU from opening the streams to the last round: %.1f s%n",
        server.cpuSeconds() - cpuBeforeStreams);
    System.out.printf(
        "server RSS %.0f MiB (peak %.0f MiB), JVM options %s%n",
        server.residentMib(), server.peakResidentMib(), jvmOptions);
    System.out.println(server.heapAfterGc());
  }

  /** Arms every watcher to wait for {@code endpoints}; await the latch it returns. */
  private static CountDownLatch arm(List<Watcher> watchers, int endpoints) {
    CountDownLatch latch = new CountDownLatch(watchers.size());
    watchers.forEach(w -> w.arm(endpoints, latch));
    return latch;
  }

  /**
   * Waits for every armed watcher; on time-out says which streams (even: state of the world, odd:
   * delta) are missing what.
   */
  private static void await(
      List<Watcher> watchers, CountDownLatch latch, int endpoints, Duration timeout)
      throws InterruptedException {
    if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      Map<String, Integer> missing = new TreeMap<>();
      for (int i = 0; i < watchers.size(); i++) {
        if (watchers.get(i).seenAt.get() == 0) {
          missing.merge(
              (i % 2 == 0 ? "sotw, " : "delta, ") + watchers.get(i).state(), 1, Integer::sum);
        }
      }
      throw new IllegalStateException(
          latch.getCount()
              + " streams did not see "
              + endpoints
              + " endpoints in "
              + timeout
              + ": "
              + missing);
    }
  }

  private static long register(HttpClient http, String base, String id, int port) throws Exception {
    return put(
        http,
        base,
        """
        {"ID":"%s","Name":"fan","Address":"127.0.0.%d","Port":%d}"""
            .formatted(id, port - 20000 + 1, port));
  }

  /** Registers over HTTP; returns when the 200 arrived. */
  private static long put(HttpClient http, String base, String registration) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/agent/service/register"))
                .PUT(HttpRequest.BodyPublishers.ofString(registration))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    long at = System.nanoTime();
    if (r.statusCode() != 200) {
      throw new IllegalStateException("register: " + r.statusCode() + " " + r.body());
    }
    return at;
  }

  static void sotw(
      AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub,
      Node node,
      Watcher w,
      String service) {
    sotw(stub, node, w, service, false);
  }

  /**
   * @param listeners also watch every listener (a sidecar's LDS), counting the responses
   */
  static void sotw(
      AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub,
      Node node,
      Watcher w,
      String service,
      boolean listeners) {
    StreamObserver<DiscoveryRequest>[] out = new StreamObserver[1];
    out[0] =
        stub.streamAggregatedResources(
            new StreamObserver<>() {
              @Override
              public void onNext(DiscoveryResponse response) {
                if (response.getTypeUrl().equals(LDS)) {
                  w.listenerPushes.incrementAndGet();
                  send(
                      out,
                      DiscoveryRequest.newBuilder()
                          .setTypeUrl(LDS)
                          .setVersionInfo(response.getVersionInfo())
                          .setResponseNonce(response.getNonce())
                          .build());
                  return;
                }
                for (var any : response.getResourcesList()) {
                  try {
                    w.saw(any.unpack(ClusterLoadAssignment.class));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
                send(
                    out,
                    DiscoveryRequest.newBuilder()
                        .setTypeUrl(EDS)
                        .addResourceNames(service)
                        .setVersionInfo(response.getVersionInfo())
                        .setResponseNonce(response.getNonce())
                        .build());
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    send(
        out,
        DiscoveryRequest.newBuilder()
            .setNode(node)
            .setTypeUrl(EDS)
            .addResourceNames(service)
            .build());
    if (listeners) {
      send(out, DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(LDS).build());
    }
  }

  /** A request on the stream: ACKs (gRPC's thread) and the first requests may meet. */
  private static void send(StreamObserver<DiscoveryRequest>[] out, DiscoveryRequest request) {
    synchronized (out) {
      out[0].onNext(request);
    }
  }

  private static void delta(
      AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub, Node node, Watcher w) {
    StreamObserver<DeltaDiscoveryRequest>[] out = new StreamObserver[1];
    out[0] =
        stub.deltaAggregatedResources(
            new StreamObserver<>() {
              @Override
              public void onNext(DeltaDiscoveryResponse response) {
                for (var resource : response.getResourcesList()) {
                  try {
                    w.saw(resource.getResource().unpack(ClusterLoadAssignment.class));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
                out[0].onNext(
                    DeltaDiscoveryRequest.newBuilder()
                        .setTypeUrl(EDS)
                        .setResponseNonce(response.getNonce())
                        .build());
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    out[0].onNext(
        DeltaDiscoveryRequest.newBuilder()
            .setNode(node)
            .setTypeUrl(EDS)
            .addResourceNamesSubscribe("fan")
            .build());
  }
}
