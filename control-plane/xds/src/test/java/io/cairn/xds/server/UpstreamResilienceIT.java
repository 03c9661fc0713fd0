package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.PassiveHealthCheck;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.UpstreamConfig;
import io.cairn.registry.config.UpstreamLimits;
import io.cairn.registry.config.UpstreamSettings;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.xds.XdsNameResolverProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * grpc-java's xDS resolver against Cairn, as a client of service {@code web} (its bootstrap's
 * {@code node.cluster}): web's service-defaults UpstreamConfig ejects a failing backend (outlier
 * detection) and caps concurrent calls (circuit breaking). A client that names no service is the
 * control: over the same upstreams it keeps reaching the failing backend and is not capped.
 */
class UpstreamResilienceIT {
  private static final String WEB_SCHEME = "cairn-web";
  private static final String ANON_SCHEME = "cairn-anon";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static Registry registry;
  private static XdsServer xds;

  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void startCairn() throws Exception {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    xds =
        XdsServer.start(
            XdsSettings.loopback(0),
            Core.of(registry, new SimpleMeterRegistry()),
            io.cairn.ca.MeshCa.start(registry, "dc1", java.time.Clock.systemUTC()),
            Optional.empty());
    // Each scheme has its own bootstrap, so both clients live in this JVM beside other tests'.
    NameResolverRegistry.getDefaultRegistry()
        .register(XdsNameResolverProvider.createForTest(WEB_SCHEME, bootstrap("web")));
    NameResolverRegistry.getDefaultRegistry()
        .register(XdsNameResolverProvider.createForTest(ANON_SCHEME, bootstrap("")));
    registry.apply(
        PutConfigEntry.of(
            new ServiceDefaults(
                "web",
                Protocol.GRPC,
                new UpstreamConfig(
                    UpstreamSettings.NONE,
                    Map.of(
                        "api-eject",
                        new UpstreamSettings(
                            Optional.empty(),
                            Optional.empty(),
                            Optional.of(
                                new PassiveHealthCheck(
                                    Optional.of(Duration.ofSeconds(1)),
                                    Optional.of(3),
                                    Optional.empty(),
                                    Optional.empty(),
                                    Optional.of(Duration.ofMinutes(5))))),
                        "api-slow",
                        new UpstreamSettings(
                            Optional.empty(),
                            Optional.of(
                                new UpstreamLimits(
                                    Optional.empty(), Optional.empty(), Optional.of(1))),
                            Optional.empty()))),
                Map.of())));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> bootstrap(String cluster) throws Exception {
    String json =
        """
        {"xds_servers":[{"server_uri":"127.0.0.1:%d","channel_creds":[{"type":"insecure"}],
          "server_features":["xds_v3"]}],
         "node":{"id":"resilience-%s","cluster":"%s","locality":{"zone":"z"}}}"""
            .formatted(xds.port(), cluster.isEmpty() ? "anon" : cluster, cluster);
    return (Map<String, ?>) io.grpc.internal.JsonParser.parse(json);
  }

  @AfterAll
  static void stopCairn() {
    xds.close();
    registry.close();
  }

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /**
   * A backend answering every call with {@code handler}, registered as an instance of {@code
   * service} and of its {@link #control} twin.
   */
  private void backend(String service, String id, Function<String, Status> handler)
      throws Exception {
    Server server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(
                ServerServiceDefinition.builder("demo.Who")
                    .addMethod(
                        Backend.WHO,
                        ServerCalls.asyncUnaryCall(
                            (request, response) -> {
                              Status status = handler.apply(id);
                              if (status.isOk()) {
                                response.onNext(id);
                                response.onCompleted();
                              } else {
                                response.onError(status.asRuntimeException());
                              }
                            }))
                    .build())
            .build()
            .start();
    servers.add(server);
    for (String name : List.of(service, control(service))) {
      registry.apply(
          RegisterInstance.of(
              ServiceInstance.builder(name + "-" + id, name)
                  .address("127.0.0.1")
                  .port(server.getPort())
                  .build()));
    }
  }

  /**
   * The same backends under another name, for the client that names no service: grpc-java shares
   * one xDS client between channels to the same service name, whatever their bootstrap.
   */
  private static String control(String service) {
    return service + "-control";
  }

  private ManagedChannel channel(String scheme, String service) {
    ManagedChannel c =
        Grpc.newChannelBuilder(scheme + ":///" + service, InsecureChannelCredentials.create())
            .build();
    channels.add(c);
    return c;
  }

  /** Where {@code n} calls went: a backend's id, or the status code of a failed call. */
  private static Map<String, Integer> calls(ManagedChannel channel, int n) {
    Map<String, Integer> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      String where;
      try {
        where = Backend.call(channel);
      } catch (StatusRuntimeException e) {
        where = e.getStatus().getCode().name();
      }
      out.merge(where, 1, Integer::sum);
    }
    return out;
  }

  @Test
  void aBackendFailingEveryCallIsEjectedForClientsOfWeb() throws Exception {
    backend("api-eject", "good", id -> Status.OK);
    backend(
        "api-eject",
        "bad",
        id -> Status.UNAVAILABLE.withDescription("bad backend fails every call"));
    ManagedChannel web = channel(WEB_SCHEME, "api-eject");
    ManagedChannel anon = channel(ANON_SCHEME, control("api-eject"));
    // Both backends are reached at first (the failing one fails)...
    await()
        .atMost(WAIT)
        .until(() -> calls(anon, 20).keySet().containsAll(List.of("good", "UNAVAILABLE")));
    // ...then web's client ejects the failing one: every call reaches the good backend.
    await().atMost(WAIT).until(() -> calls(web, 20).equals(Map.of("good", 20)));
    assertThat(calls(web, 200)).isEqualTo(Map.of("good", 200));
    // A client that names no service has no outlier detection and still reaches both.
    assertThat(calls(anon, 40)).containsKeys("good", "UNAVAILABLE");
  }

  @Test
  void aSecondConcurrentCallFailsFastWhenWebsLimitIsOne() throws Exception {
    AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));
    Semaphore arrivals = new Semaphore(0);
    backend(
        "api-slow",
        "slow",
        id -> {
          arrivals.release();
          try {
            gate.get().await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Status.OK;
        });
    ManagedChannel web = channel(WEB_SCHEME, "api-slow");
    ManagedChannel anon = channel(ANON_SCHEME, control("api-slow"));
    await().ignoreExceptions().atMost(WAIT).until(() -> Backend.call(web).equals("slow"));
    await().ignoreExceptions().atMost(WAIT).until(() -> Backend.call(anon).equals("slow"));
    arrivals.drainPermits();

    CountDownLatch held = new CountDownLatch(1);
    gate.set(held);
    try {
      // web's first call is held in the backend...
      var first = call(web);
      assertThat(arrivals.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
      // ...so its second is refused by the client at once, never reaching the backend.
      long started = System.nanoTime();
      assertThatThrownBy(() -> Backend.call(web))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
      assertThat(arrivals.availablePermits()).isZero();

      // A client that names no service is not capped: both of its calls reach the backend.
      var anonFirst = call(anon);
      var anonSecond = call(anon);
      assertThat(arrivals.tryAcquire(2, 30, TimeUnit.SECONDS)).isTrue();

      held.countDown();
      assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("slow");
      assertThat(anonFirst.get(30, TimeUnit.SECONDS)).isEqualTo("slow");
      assertThat(anonSecond.get(30, TimeUnit.SECONDS)).isEqualTo("slow");
    } finally {
      held.countDown();
    }
  }

  private static com.google.common.util.concurrent.ListenableFuture<String> call(
      ManagedChannel channel) {
    return ClientCalls.futureUnaryCall(
        channel.newCall(Backend.WHO, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS)),
        "?");
  }
}
