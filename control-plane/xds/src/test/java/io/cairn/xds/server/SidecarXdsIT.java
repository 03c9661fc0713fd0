package io.cairn.xds.server;

import static io.cairn.xds.server.AdsClient.CLUSTER;
import static io.cairn.xds.server.AdsClient.ENDPOINT;
import static io.cairn.xds.server.AdsClient.LISTENER;
import static io.cairn.xds.server.AdsClient.ROUTE;
import static io.cairn.xds.server.AdsClient.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import io.cairn.ca.CertificateAuthority;
import io.cairn.ca.CertificateChecks;
import io.cairn.ca.MeshCa;
import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionSource;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ProxyDefaults;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.Upstream;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.cairn.xds.TestCa;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ADS client shaped like an Envoy sidecar (node id = its registered proxy id, wildcard CDS and
 * LDS, then EDS and RDS by name, every response ACKed) against Cairn over a socket.
 */
class SidecarXdsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private Registry registry;
  private final MovableClock clock = new MovableClock();
  private MeshCa mesh;
  private XdsServer xds;

  @BeforeEach
  void start() {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    registry.apply(TestCa.setUp());
    mesh = MeshCa.start(registry, "dc1", clock);
    xds =
        CheckedXds.start(
            XdsSettings.loopback(0),
            Core.of(registry, new SimpleMeterRegistry()),
            mesh,
            Optional.empty(),
            List.of());
  }

  @AfterEach
  void stop() {
    xds.close();
    mesh.close();
    registry.close();
  }

  private void app(String id, String service, String address, int port, String version) {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(id, service)
                .address(address)
                .port(port)
                .meta(Map.of("version", version))
                .build()));
  }

  private void sidecar(String app, String service, String address, Upstream... upstreams) {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(app + "-sidecar-proxy", service + "-sidecar-proxy")
                .address(address)
                .port(21000)
                .kind(
                    new ConnectProxy(
                        service, Optional.of(app), "127.0.0.1", 8080, List.of(upstreams)))
                .build()));
  }

  /**
   * web calls api (http, split 90/10 over two subsets) and db (tcp, no sidecar); batch is denied.
   */
  private void mesh() {
    app("web-1", "web", "10.0.1.1", 8080, "v1");
    sidecar("web-1", "web", "10.0.1.1", new Upstream("api", 9191), new Upstream("db", 9292));
    app("api-1", "api", "10.0.0.1", 8080, "v1");
    sidecar("api-1", "api", "10.0.0.1");
    app("api-2", "api", "10.0.0.2", 8080, "v2");
    sidecar("api-2", "api", "10.0.0.2");
    app("db-1", "db", "10.0.2.1", 5432, "v1");
    app("batch-1", "batch", "10.0.3.1", 8080, "v1");
    sidecar("batch-1", "batch", "10.0.3.1");
    registry.apply(PutConfigEntry.of(new ServiceDefaults("web", Protocol.HTTP, Map.of())));
    registry.apply(PutConfigEntry.of(new ServiceDefaults("api", Protocol.HTTP, Map.of())));
    registry.apply(MeshConfig.versionSubsets("api"));
    registry.apply(MeshConfig.canary("api", 90));
    intentions(IntentionAction.DENY);
  }

  private void intentions(IntentionAction forBatch) {
    registry.apply(
        PutConfigEntry.of(
            new ServiceIntentions(
                "web",
                List.of(
                    IntentionSource.of("batch", forBatch),
                    IntentionSource.of("api", IntentionAction.ALLOW)),
                Map.of())));
  }

  private static <T extends com.google.protobuf.Message> Map<String, T> unpack(
      DiscoveryResponse r, Class<T> type, Function<T, String> name) throws Exception {
    Map<String, T> out = new TreeMap<>();
    for (Any any : r.getResourcesList()) {
      T t = any.unpack(type);
      out.put(name.apply(t), t);
    }
    return out;
  }

  private static List<String> endpoints(ClusterLoadAssignment cla) {
    List<String> out = new ArrayList<>();
    cla.getEndpointsList()
        .forEach(
            l ->
                l.getLbEndpointsList()
                    .forEach(
                        e -> {
                          SocketAddress a = e.getEndpoint().getAddress().getSocketAddress();
                          out.add(a.getAddress() + ":" + a.getPortValue());
                        }));
    return out;
  }

  private static RBAC inboundRules(Listener publicListener) throws Exception {
    Filter hcmFilter = publicListener.getFilterChains(0).getFilters(0);
    HttpConnectionManager hcm = hcmFilter.getTypedConfig().unpack(HttpConnectionManager.class);
    assertThat(hcm.getHttpFiltersList())
        .extracting(HttpFilter::getName)
        .containsExactly("envoy.filters.http.rbac", "envoy.filters.http.router");
    return hcm.getHttpFilters(0)
        .getTypedConfig()
        .unpack(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.class)
        .getRules();
  }

  /** The SPIFFE IDs (as regular expressions) the rules deny. */
  private static List<String> deniedPrincipals(RBAC rules) {
    assertThat(rules.getAction()).isEqualTo(RBAC.Action.DENY);
    List<String> out = new ArrayList<>();
    for (Policy p : rules.getPoliciesMap().values()) {
      for (Principal principal : p.getPrincipalsList()) {
        collect(principal, out);
      }
    }
    return out;
  }

  private static void collect(Principal p, List<String> out) {
    if (p.hasAuthenticated()) {
      out.add(p.getAuthenticated().getPrincipalName().getSafeRegex().getRegex());
    }
    p.getOrIds().getIdsList().forEach(q -> collect(q, out));
  }

  private static final String BATCH =
      "^spiffe://" + TestCa.TRUST_DOMAIN.replace(".", "\\.") + "/ns/default/dc/[^/]+/svc/batch$";

  @Test
  void aRegisteredSidecarGetsItsListenersRoutesClustersAndEndpoints() throws Exception {
    mesh();
    try (AdsClient envoy = new AdsClient(xds.port(), "web-1-sidecar-proxy", "web")) {
      envoy.subscribe(CLUSTER);
      // The registrations above are still being debounced: wait for the whole mesh.
      Map<String, Cluster> clusters =
          unpack(
              envoy.await(CLUSTER, r -> r.getResourcesCount() == 5, WAIT),
              Cluster.class,
              Cluster::getName);
      assertThat(clusters).containsOnlyKeys("local_app", "api", "v1.api", "v2.api", "db");
      Cluster local = clusters.get("local_app");
      assertThat(local.getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
      SocketAddress app =
          local
              .getLoadAssignment()
              .getEndpoints(0)
              .getLbEndpoints(0)
              .getEndpoint()
              .getAddress()
              .getSocketAddress();
      assertThat(app.getAddress() + ":" + app.getPortValue()).isEqualTo("127.0.0.1:8080");

      envoy.subscribe(ENDPOINT, "api", "v1.api", "v2.api", "db");
      Map<String, ClusterLoadAssignment> cla =
          unpack(
              envoy.next(ENDPOINT, WAIT).orElseThrow(),
              ClusterLoadAssignment.class,
              ClusterLoadAssignment::getClusterName);
      // api is in the mesh: reached through its sidecars; db has none: reached directly.
      assertThat(endpoints(cla.get("v1.api"))).containsExactly("10.0.0.1:21000");
      assertThat(endpoints(cla.get("v2.api"))).containsExactly("10.0.0.2:21000");
      assertThat(endpoints(cla.get("db"))).containsExactly("10.0.2.1:5432");

      envoy.subscribe(LISTENER);
      // The intentions were the last write: wait for them as well.
      DiscoveryResponse lds = envoy.await(LISTENER, r -> r.toString().contains("svc/batch"), WAIT);
      Map<String, Listener> listeners = unpack(lds, Listener.class, Listener::getName);
      assertThat(listeners)
          .containsOnlyKeys(
              "public_listener:0.0.0.0:21000", "api:127.0.0.1:9191", "db:127.0.0.1:9292");
      assertThat(deniedPrincipals(inboundRules(listeners.get("public_listener:0.0.0.0:21000"))))
          .containsExactly(BATCH);
      HttpConnectionManager toApi =
          listeners
              .get("api:127.0.0.1:9191")
              .getFilterChains(0)
              .getFilters(0)
              .getTypedConfig()
              .unpack(HttpConnectionManager.class);
      assertThat(toApi.getRds().getRouteConfigName()).isEqualTo("api");
      TcpProxy toDb =
          listeners
              .get("db:127.0.0.1:9292")
              .getFilterChains(0)
              .getFilters(0)
              .getTypedConfig()
              .unpack(TcpProxy.class);
      assertThat(toDb.getCluster()).isEqualTo("db");

      envoy.subscribe(ROUTE, "api");
      RouteConfiguration route =
          unpack(
                  envoy.next(ROUTE, WAIT).orElseThrow(),
                  RouteConfiguration.class,
                  RouteConfiguration::getName)
              .get("api");
      assertThat(route.getVirtualHosts(0).getDomainsList()).containsExactly("*");
      List<WeightedCluster.ClusterWeight> split =
          route.getVirtualHosts(0).getRoutes(0).getRoute().getWeightedClusters().getClustersList();
      assertThat(split)
          .extracting(WeightedCluster.ClusterWeight::getName, c -> c.getWeight().getValue())
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("v1.api", 9000),
              org.assertj.core.groups.Tuple.tuple("v2.api", 1000));

      await().atMost(WAIT).until(() -> ackedListeners().equals(lds.getVersionInfo()));

      // Churn in the sources: batch gets a second instance, api a third, both with sidecars. The
      // new api instance reaches the v2 endpoints; web's listeners name identities, not instances,
      // so neither is pushed a listener.
      app("batch-2", "batch", "10.0.3.2", 8080, "v1");
      sidecar("batch-2", "batch", "10.0.3.2");
      app("api-3", "api", "10.0.0.3", 8080, "v2");
      sidecar("api-3", "api", "10.0.0.3");
      await()
          .atMost(WAIT)
          .until(
              () -> {
                Optional<DiscoveryResponse> r = envoy.next(ENDPOINT, Duration.ofMillis(500));
                return r.isPresent()
                    && endpoints(
                            unpack(
                                    r.get(),
                                    ClusterLoadAssignment.class,
                                    ClusterLoadAssignment::getClusterName)
                                .get("v2.api"))
                        .equals(List.of("10.0.0.2:21000", "10.0.0.3:21000"));
              });
      assertThat(ackedListeners()).isEqualTo(lds.getVersionInfo());

      // Allowing batch takes it out of the inbound deny rules, pushed at once: the first listener
      // response since the churn.
      intentions(IntentionAction.ALLOW);
      Listener updated =
          unpack(envoy.next(LISTENER, WAIT).orElseThrow(), Listener.class, Listener::getName)
              .get("public_listener:0.0.0.0:21000");
      assertThat(deniedPrincipals(inboundRules(updated))).isEmpty();

      await()
          .atMost(WAIT)
          .until(
              () ->
                  xds.proxies().stream()
                      .anyMatch(
                          p ->
                              p.nodeId().equals("web-1-sidecar-proxy")
                                  && p.kind().equals("sidecar")
                                  && p.acked()
                                      .keySet()
                                      .containsAll(List.of(CLUSTER, ENDPOINT, LISTENER, ROUTE))));
    }
  }

  /** The listener version web's sidecar last ACKed. */
  private String ackedListeners() {
    return xds.proxies().stream()
        .filter(p -> p.nodeId().equals("web-1-sidecar-proxy"))
        .map(p -> p.acked().getOrDefault(LISTENER, ""))
        .findFirst()
        .orElse("");
  }

  @Test
  void proxyDefaultsProtocolReachesSidecarsOfEveryService() throws Exception {
    app("db-1", "db", "10.0.2.1", 5432, "1");
    sidecar("web-1", "web", "10.0.1.1", new Upstream("db", 9292));
    try (AdsClient envoy = new AdsClient(xds.port(), "web-1-sidecar-proxy", "web")) {
      envoy.subscribe(LISTENER);
      String tcp = "envoy.filters.network.tcp_proxy";
      String http = "envoy.filters.network.http_connection_manager";
      Listener before =
          unpack(
                  envoy.await(LISTENER, r -> r.toString().contains(tcp), WAIT),
                  Listener.class,
                  Listener::getName)
              .get("db:127.0.0.1:9292");
      assertThat(before.getFilterChains(0).getFilters(0).getName()).isEqualTo(tcp);
      // The mesh-wide protocol: db, which has no service-defaults, is now http.
      registry.apply(
          PutConfigEntry.of(
              new ProxyDefaults(ProxyDefaults.GLOBAL, Optional.of(Protocol.HTTP), Map.of())));
      Listener after =
          unpack(
                  envoy.await(LISTENER, r -> r.toString().contains(http), WAIT),
                  Listener.class,
                  Listener::getName)
              .get("db:127.0.0.1:9292");
      assertThat(after.getFilterChains(0).getFilters(0).getName()).isEqualTo(http);
    }
  }

  private static ClusterLoadAssignment api(DiscoveryResponse r) {
    try {
      return r.getResources(0).unpack(ClusterLoadAssignment.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /** Priority of each zone in {@code cla}. */
  private static Map<String, Integer> zones(ClusterLoadAssignment cla) {
    Map<String, Integer> out = new TreeMap<>();
    cla.getEndpointsList().forEach(l -> out.put(l.getLocality().getZone(), l.getPriority()));
    return out;
  }

  @Test
  void aSidecarIsSentItsOwnZoneFirstWhenItsUpstreamsResolverPrioritizesByLocality()
      throws Exception {
    for (String zone : List.of("a", "b")) {
      registry.apply(
          RegisterInstance.of(
              ServiceInstance.builder("api-" + zone, "api")
                  .address("10.0.0." + (zone.equals("a") ? 1 : 2))
                  .port(8080)
                  .locality(Optional.of(new io.cairn.registry.model.Locality("eu", zone)))
                  .build()));
    }
    app("web-1", "web", "10.0.1.1", 8080, "v1");
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("web-1-sidecar-proxy", "web-sidecar-proxy")
                .address("10.0.1.1")
                .port(21000)
                .locality(Optional.of(new io.cairn.registry.model.Locality("eu", "b")))
                .kind(
                    new ConnectProxy(
                        "web",
                        Optional.of("web-1"),
                        "127.0.0.1",
                        8080,
                        List.of(new Upstream("api", 9191))))
                .build()));
    try (AdsClient envoy = new AdsClient(xds.port(), "web-1-sidecar-proxy", "web")) {
      envoy.subscribe(ENDPOINT, "api");
      envoy.await(
          ENDPOINT, r -> r.getResourcesCount() == 1 && r.toString().contains("10.0.0.2"), WAIT);
      registry.apply(
          PutConfigEntry.of(
              io.cairn.registry.config.ServiceResolver.builder("api")
                  .prioritizeByLocality(true)
                  .build()));
      ClusterLoadAssignment api =
          envoy
              .await(ENDPOINT, r -> zones(api(r)).equals(Map.of("a", 1, "b", 0)), WAIT)
              .getResources(0)
              .unpack(ClusterLoadAssignment.class);
      assertThat(zones(api)).containsExactly(Map.entry("a", 1), Map.entry("b", 0));
      assertThat(api.getPolicy().getOverprovisioningFactor().getValue()).isEqualTo(100_000);
    }
  }

  @Test
  void anEnvoyWhoseProxyIsNotRegisteredWaitsAndIsServedOnceItIs() throws Exception {
    app("late-1", "late", "10.0.4.1", 8080, "v1");
    try (AdsClient envoy = new AdsClient(xds.port(), "late-1-sidecar-proxy", "late")) {
      envoy.subscribe(CLUSTER);
      // Its request arrives (the client's first protobuf use can take a while on a busy machine),
      // and is not answered.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  xds.proxies().stream()
                      .anyMatch(
                          p ->
                              p.nodeId().equals("late-1-sidecar-proxy")
                                  && p.kind().equals("unregistered")));
      assertThat(envoy.next(CLUSTER, Duration.ofMillis(700))).isEmpty();

      sidecar("late-1", "late", "10.0.4.1");
      Map<String, Cluster> clusters =
          unpack(envoy.next(CLUSTER, WAIT).orElseThrow(), Cluster.class, Cluster::getName);
      assertThat(clusters).containsOnlyKeys("local_app");
    }
  }

  @Test
  void deltaXdsSendsOnlyWhatChangedWithContentVersions() throws Exception {
    mesh();
    io.grpc.ManagedChannel channel =
        io.grpc.Grpc.newChannelBuilderForAddress(
                "127.0.0.1", xds.port(), io.grpc.InsecureChannelCredentials.create())
            .build();
    java.util.concurrent.LinkedBlockingQueue<DeltaDiscoveryResponse> responses =
        new java.util.concurrent.LinkedBlockingQueue<>();
    try {
      io.grpc.stub.StreamObserver<DeltaDiscoveryRequest> requests =
          AggregatedDiscoveryServiceGrpc.newStub(channel)
              .deltaAggregatedResources(
                  new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(DeltaDiscoveryResponse r) {
                      responses.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  });
      io.envoyproxy.envoy.config.core.v3.Node node =
          io.envoyproxy.envoy.config.core.v3.Node.newBuilder()
              .setId("web-1-sidecar-proxy")
              .setUserAgentName("envoy")
              .build();
      requests.onNext(
          DeltaDiscoveryRequest.newBuilder()
              .setNode(node)
              .setTypeUrl(ENDPOINT)
              .addResourceNamesSubscribe("db")
              .addResourceNamesSubscribe("api")
              .build());
      DeltaDiscoveryResponse first = responses.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      assertThat(first.getResourcesList())
          .extracting(io.envoyproxy.envoy.service.discovery.v3.Resource::getName)
          .containsExactlyInAnyOrder("db", "api");
      // Content hashes, the same on every replica and after restarts.
      assertThat(first.getResourcesList())
          .allSatisfy(r -> assertThat(r.getVersion()).matches("[0-9a-f]{16,}"));
      requests.onNext(
          DeltaDiscoveryRequest.newBuilder()
              .setNode(node)
              .setTypeUrl(ENDPOINT)
              .setResponseNonce(first.getNonce())
              .build());

      app("db-2", "db", "10.0.2.2", 5432, "v1");
      DeltaDiscoveryResponse update = responses.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(update).isNotNull();
      assertThat(update.getResourcesList())
          .extracting(io.envoyproxy.envoy.service.discovery.v3.Resource::getName)
          .containsExactly("db");
      assertThat(
              endpoints(update.getResources(0).getResource().unpack(ClusterLoadAssignment.class)))
          .containsExactly("10.0.2.1:5432", "10.0.2.2:5432");
      requests.onCompleted();
    } finally {
      channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static Map<String, Secret> secrets(DiscoveryResponse r) throws Exception {
    return unpack(r, Secret.class, Secret::getName);
  }

  private static String leafSerial(Map<String, Secret> secrets) throws Exception {
    return ((java.security.cert.X509Certificate)
            MeshTlsHandshake.certificates(
                    secrets.get("leaf").getTlsCertificate().getCertificateChain().getInlineString())
                .getFirst())
        .getSerialNumber()
        .toString(16);
  }

  private static int rootCount(Map<String, Secret> secrets) throws Exception {
    return MeshTlsHandshake.certificates(
            secrets.get("roots").getValidationContext().getTrustedCa().getInlineString())
        .size();
  }

  @Test
  void sidecarsGetTheirLeafAndTheRootsOverAdsAndRenewalsAndRotationsPushOnlySecrets()
      throws Exception {
    mesh();
    try (AdsClient envoy = new AdsClient(xds.port(), "web-1-sidecar-proxy", "web")) {
      envoy.subscribe(CLUSTER);
      // The server set the CA up itself: sidecars were registered and there was none.
      Map<String, Cluster> clusters =
          unpack(
              envoy.await(CLUSTER, r -> r.getResourcesCount() == 5, WAIT),
              Cluster.class,
              Cluster::getName);
      CaSetup ca = registry.snapshot().ca().orElseThrow().value();
      String td = ca.trustDomain();
      UpstreamTlsContext toApi =
          clusters
              .get("v1.api")
              .getTransportSocket()
              .getTypedConfig()
              .unpack(UpstreamTlsContext.class);
      assertThat(toApi.getSni()).isEqualTo("api.default.dc1.internal." + td);
      assertThat(clusters.get("db").hasTransportSocket()).isFalse();
      envoy.subscribe(LISTENER);
      envoy.await(LISTENER, r -> r.toString().contains("svc/batch$"), WAIT);

      envoy.subscribe(SECRET, "leaf", "roots");
      Map<String, Secret> first =
          secrets(envoy.await(SECRET, r -> r.getResourcesCount() == 2, WAIT));
      String chain = first.get("leaf").getTlsCertificate().getCertificateChain().getInlineString();
      Certificate leaf = MeshTlsHandshake.certificates(chain).getFirst();
      assertThat(MeshTlsHandshake.uriSan(leaf))
          .isEqualTo("spiffe://" + td + "/ns/default/dc/dc1/svc/web");
      CertificateChecks.validate(chain, ca.activeRoot().rootCertPem());
      assertThat(rootCount(first)).isEqualTo(1);

      // Over a real socket: web's sidecar accepts api's leaf and refuses another CA's.
      Secret apiLeaf =
          io.cairn.xds.translate.SecretTranslator.leaf(mesh.leaves().leaf("api").leaf());
      List<Certificate> served =
          MeshTlsHandshake.run(first.get("leaf"), apiLeaf, first.get("roots"));
      assertThat(MeshTlsHandshake.uriSan(served.getFirst()))
          .isEqualTo("spiffe://" + td + "/ns/default/dc/dc1/svc/web");
      CaSetup other = CertificateAuthority.create(CaConfiguration.DEFAULT, td, Instant.now());
      Secret stranger =
          io.cairn.xds.translate.SecretTranslator.leaf(
              CertificateAuthority.issue(other, "dc1", "api", Instant.now()));
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> MeshTlsHandshake.run(first.get("leaf"), stranger, first.get("roots")))
          .as("a certificate of another CA, even with the right trust domain")
          .isInstanceOf(java.io.IOException.class);

      long listeners = envoy.received(LISTENER);
      long clusterPushes = envoy.received(CLUSTER);
      // No request: the server renews the leaf when it falls due.
      clock.moveTo(mesh.leaves().held("web").orElseThrow().renewAt().plusSeconds(1));
      String firstSerial = leafSerial(first);
      Map<String, Secret> renewed =
          secrets(
              envoy.await(
                  SECRET,
                  r -> {
                    try {
                      return !leafSerial(secrets(r)).equals(firstSerial);
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  },
                  WAIT));
      assertThat(renewed.get("roots")).isEqualTo(first.get("roots"));
      // Back to the present, so the leaves issued from here validate now.
      clock.moveTo(Instant.now());

      // A rotation: new roots (old and new), then a leaf of the new root; nothing else.
      assertThat(
              mesh.service()
                  .configure(
                      new CaConfiguration(Duration.ofHours(72), "ec", 384, Duration.ofDays(3650)),
                      OptionalLong.empty()))
          .isTrue();
      CaSetup rotated = registry.snapshot().ca().orElseThrow().value();
      Map<String, Secret> afterRotation =
          secrets(
              envoy.await(
                  SECRET,
                  r -> {
                    try {
                      Map<String, Secret> m = secrets(r);
                      return rootCount(m) == 2
                          && m.get("leaf")
                              .getTlsCertificate()
                              .getCertificateChain()
                              .getInlineString()
                              .contains(
                                  rotated.activeRoot().intermediateCertPems().getFirst().strip());
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  },
                  WAIT));
      String newChain =
          afterRotation.get("leaf").getTlsCertificate().getCertificateChain().getInlineString();
      // Signed by the new root; with its cross-signature, it chains to the old one too.
      CertificateChecks.validate(
          List.of(CertificateChecks.certificates(newChain).getFirst()),
          rotated.activeRoot().rootCertPem());
      CertificateChecks.validate(newChain, ca.activeRoot().rootCertPem());
      // A sidecar that has only the old root still accepts the new leaf (cross-signed).
      MeshTlsHandshake.run(afterRotation.get("leaf"), apiLeaf, first.get("roots"));

      // Any listener or cluster push would have come with the secrets; give stragglers a moment.
      Thread.sleep(500);
      assertThat(envoy.received(LISTENER)).as("LDS pushes").isEqualTo(listeners);
      assertThat(envoy.received(CLUSTER)).as("CDS pushes").isEqualTo(clusterPushes);
    }
  }
}
