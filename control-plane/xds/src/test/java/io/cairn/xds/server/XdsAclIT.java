package io.cairn.xds.server;

import static io.cairn.xds.server.AdsClient.CLUSTER;
import static io.cairn.xds.server.AdsClient.ENDPOINT;
import static io.cairn.xds.server.AdsClient.LISTENER;
import static io.cairn.xds.server.AdsClient.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.acl.AclIds;
import io.cairn.registry.acl.AclPolicy;
import io.cairn.registry.acl.AclSettings;
import io.cairn.registry.acl.AclToken;
import io.cairn.registry.command.DeleteAclToken;
import io.cairn.registry.command.PutAclPolicy;
import io.cairn.registry.command.PutAclToken;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.Upstream;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.cairn.xds.TestCa;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.internal.JsonParser;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.xds.XdsNameResolverProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACLs on the xDS server, default deny, with real clients over a socket: grpc-java's own xDS
 * resolver presenting a token through its bootstrap ({@link TokenXdsCredentials}), and ADS clients
 * shaped like proxyless gRPC and like an Envoy sidecar presenting {@code x-consul-token}.
 *
 * <p>The registry holds proxyless gRPC services {@code api} and {@code web} (real backends), and a
 * mesh: {@code shop} with a registered sidecar whose upstreams are {@code api} and {@code db}.
 */
class XdsAclIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String MANAGEMENT = AclIds.random();
  private static final String SIDECAR_ID = "shop-1-sidecar-proxy";
  private static final String PUBLIC_LISTENER = "public_listener:0.0.0.0:21000";

  @TempDir static Path dir;
  private static Registry registry;
  private static SimpleMeterRegistry meters;
  private static XdsServer xds;
  private static Backend api;
  private static Backend web;

  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  static void startCairn() throws Exception {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    registry.apply(TestCa.setUp());
    meters = new SimpleMeterRegistry();
    Core core =
        Core.of(registry, meters, AclSettings.denyByDefault(MANAGEMENT), IntentionAction.ALLOW);
    xds = CheckedXds.start(XdsSettings.loopback(0), core, Optional.empty());
    api = new Backend("api");
    web = new Backend("web");
    app("api-1", "api", api.port());
    app("web-1", "web", web.port());
    app("db-1", "db", 5432);
    app("shop-1", "shop", 8080);
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(SIDECAR_ID, "shop-sidecar-proxy")
                .address("127.0.0.1")
                .port(21000)
                .kind(
                    new ConnectProxy(
                        "shop",
                        Optional.of("shop-1"),
                        "127.0.0.1",
                        8080,
                        List.of(new Upstream("api", 9191), new Upstream("db", 9292))))
                .build()));
  }

  @AfterAll
  static void stopCairn() throws Exception {
    xds.close();
    registry.close();
    api.close();
    web.close();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  private static void app(String id, String service, int port) {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(id, service).address("127.0.0.1").port(port).build()));
  }

  /** A policy with {@code rules}; returns its id. */
  private static String policy(String name, String rules) {
    String id = AclIds.random();
    putPolicy(id, name, rules);
    return id;
  }

  private static void putPolicy(String id, String name, String rules) {
    registry.apply(new PutAclPolicy(new AclPolicy(id, name, "", rules, List.of())));
  }

  /** A token linking {@code policyIds} and service identities; returns its secret. */
  private static Token token(List<String> policyIds, List<String> serviceIdentities) {
    Token t = new Token(AclIds.random(), AclIds.random());
    registry.apply(
        new PutAclToken(
            new AclToken(
                t.accessor(),
                t.secret(),
                "",
                policyIds,
                serviceIdentities,
                false,
                "2026-01-01T00:00:00Z")));
    return t;
  }

  private record Token(String accessor, String secret) {}

  private AdsClient proxyless(Optional<String> token) {
    Node node = Node.newBuilder().setId("acl-proxyless").setUserAgentName("grpc-java").build();
    return open(new AdsClient(xds.port(), node, token));
  }

  private AdsClient sidecar(Optional<String> token) {
    return open(new AdsClient(xds.port(), sidecarNode(), token));
  }

  private static Node sidecarNode() {
    return Node.newBuilder().setId(SIDECAR_ID).setCluster("shop").setUserAgentName("envoy").build();
  }

  private <T extends AutoCloseable> T open(T c) {
    opened.add(c);
    return c;
  }

  private static Set<String> names(DiscoveryResponse r) {
    Set<String> out = new TreeSet<>();
    for (Any any : r.getResourcesList()) {
      out.add(Resources.getResourceName(any));
    }
    return out;
  }

  /** The first response of a type whose resources include {@code present}. */
  private static DiscoveryResponse awaitNames(AdsClient c, String type, String... present)
      throws InterruptedException {
    return c.await(type, r -> names(r).containsAll(List.of(present)), WAIT);
  }

  @Test
  void aReadOnlyTokenForApiGetsApisListenerRouteClusterAndEndpointsButNothingOfWebs()
      throws Exception {
    Token apiReader =
        token(List.of(policy("api-reader", "service \"api\" { policy = \"read\" }")), List.of());
    AdsClient c = proxyless(Optional.of(apiReader.secret()));

    c.subscribe(LISTENER, "api", "web");
    assertThat(names(awaitNames(c, LISTENER, "api"))).containsExactly("api");
    c.subscribe(ROUTE, "api", "web");
    assertThat(names(awaitNames(c, ROUTE, "api"))).containsExactly("api");
    c.subscribe(CLUSTER, "api", "web");
    assertThat(names(awaitNames(c, CLUSTER, "api"))).containsExactly("api");
    c.subscribe(ENDPOINT, "api", "web");
    assertThat(names(awaitNames(c, ENDPOINT, "api"))).containsExactly("api");
    // The name it may not read is not answered again after every ACK.
    assertThat(c.next(ENDPOINT, Duration.ofSeconds(1))).isEmpty();

    // Every cluster (wildcard CDS): still only api's.
    AdsClient wildcard = proxyless(Optional.of(apiReader.secret()));
    wildcard.subscribe(CLUSTER);
    DiscoveryResponse all = wildcard.await(CLUSTER, r -> true, WAIT);
    assertThat(names(all)).containsExactly("api");
    assertThat(all.getVersionInfo()).contains(AclWatcher.LABEL);
    // A push after a registry change (made off the call, on the publishing thread) is filtered
    // the same way.
    app("web-2", "web2", web.port());
    DiscoveryResponse pushed =
        wildcard.await(CLUSTER, r -> !r.getVersionInfo().equals(all.getVersionInfo()), WAIT);
    assertThat(names(pushed)).containsExactly("api");

    // The management token sees every service.
    AdsClient admin = proxyless(Optional.of(MANAGEMENT));
    admin.subscribe(CLUSTER);
    assertThat(names(admin.await(CLUSTER, r -> true, WAIT))).contains("api", "web", "db", "shop");
  }

  @Test
  void withoutATokenUnderDefaultDenyAClientSeesNothing() throws Exception {
    AdsClient c = proxyless(Optional.empty());
    c.subscribe(CLUSTER);
    assertThat(names(c.await(CLUSTER, r -> true, WAIT))).isEmpty();
    c.subscribe(LISTENER, "api");
    assertThat(names(c.await(LISTENER, r -> true, WAIT))).isEmpty();
    assertThat(c.isOpen()).isTrue();
  }

  @Test
  void anUnknownTokenIsRefusedWithUnauthenticated() throws Exception {
    double before = denied(AclGate.UNKNOWN_TOKEN);
    AdsClient c = proxyless(Optional.of(AclIds.random()));
    c.subscribe(CLUSTER);
    Status status = c.ended(WAIT);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(status.getDescription()).isEqualTo("ACL not found");
    assertThat(denied(AclGate.UNKNOWN_TOKEN)).isGreaterThan(before);
  }

  @Test
  void aSidecarWhoseTokenLacksServiceWriteOnItsServiceIsRefused() throws Exception {
    Token reader =
        token(List.of(policy("shop-reader", "service \"shop\" { policy = \"read\" }")), List.of());
    double before = denied(AclGate.PERMISSION);
    AdsClient c = sidecar(Optional.of(reader.secret()));
    c.subscribe(CLUSTER);
    Status status = c.ended(WAIT);
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription())
        .contains("lacks permission 'service:write' on \"shop\"")
        .contains(reader.accessor())
        .doesNotContain(reader.secret());
    assertThat(denied(AclGate.PERMISSION)).isGreaterThan(before);
  }

  @Test
  void aSidecarGetsItsConfigurationButNotTheUpstreamsItsTokenCannotRead() throws Exception {
    Token shop =
        token(
            List.of(
                policy(
                    "shop-proxy",
                    """
                    service "shop" { policy = "write" }
                    service "api" { policy = "read" }
                    """)),
            List.of());
    AdsClient c = sidecar(Optional.of(shop.secret()));
    c.subscribe(CLUSTER);
    assertThat(names(awaitNames(c, CLUSTER, "local_app", "api")))
        .containsExactly("api", "local_app");
    c.subscribe(LISTENER);
    assertThat(names(awaitNames(c, LISTENER, PUBLIC_LISTENER)))
        .containsExactly("api:127.0.0.1:9191", PUBLIC_LISTENER);
    c.subscribe(ENDPOINT, "api", "db");
    assertThat(names(awaitNames(c, ENDPOINT, "api"))).containsExactly("api");
    // Its certificates are its own service's: service:write on shop is enough.
    c.subscribe(AdsClient.SECRET, "leaf", "roots");
    assertThat(names(awaitNames(c, AdsClient.SECRET, "leaf", "roots")))
        .containsExactly("leaf", "roots");

    // A service identity reads every service, as in Consul: db's cluster and listener too.
    Token identity = token(List.of(), List.of("shop"));
    AdsClient full = sidecar(Optional.of(identity.secret()));
    full.subscribe(CLUSTER);
    assertThat(names(awaitNames(full, CLUSTER, "db"))).containsExactly("api", "db", "local_app");
    full.subscribe(LISTENER);
    assertThat(names(awaitNames(full, LISTENER, PUBLIC_LISTENER)))
        .containsExactly("api:127.0.0.1:9191", "db:127.0.0.1:9292", PUBLIC_LISTENER);
  }

  @Test
  void whenATokensPolicyChangesItsStreamIsEndedAndTheReconnectedClientSeesWhatItNowMayRead()
      throws Exception {
    String policyId =
        policy(
            "shop-proxy-2",
            """
            service "shop" { policy = "write" }
            service "api" { policy = "read" }
            """);
    Token shop = token(List.of(policyId), List.of());
    Token bystander =
        token(List.of(policy("bystander", "service \"api\" { policy = \"read\" }")), List.of());
    AdsClient other = proxyless(Optional.of(bystander.secret()));
    other.subscribe(CLUSTER);
    other.await(CLUSTER, r -> true, WAIT);

    AdsClient first = sidecar(Optional.of(shop.secret()));
    first.subscribe(CLUSTER);
    DiscoveryResponse before = awaitNames(first, CLUSTER, "api");
    await().atMost(WAIT).until(() -> xds.watchCount(sidecarNode()) > 0);
    assertThat(names(before)).doesNotContain("db");

    putPolicy(
        policyId,
        "shop-proxy-2",
        """
        service "shop" { policy = "write" }
        service_prefix "" { policy = "read" }
        """);
    Status status = first.ended(WAIT);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).isEqualTo("ACL changed; reconnect");
    // A stream whose rights did not change keeps going.
    assertThat(other.isOpen()).isTrue();
    // The library was told the stream is over: it dropped the stream's watch.
    await().atMost(WAIT).until(() -> xds.watchCount(sidecarNode()) == 0);

    // Like Envoy, the new stream starts from the version it holds: it is not told it is up to
    // date, but sent the clusters it may now read.
    AdsClient again = sidecar(Optional.of(shop.secret()));
    again.subscribeFrom(before.getVersionInfo(), CLUSTER);
    assertThat(names(again.await(CLUSTER, r -> true, WAIT))).contains("api", "db", "local_app");

    // A deleted token's stream is ended too, and it cannot come back.
    registry.apply(new DeleteAclToken(shop.accessor()));
    assertThat(again.ended(WAIT).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    AdsClient gone = sidecar(Optional.of(shop.secret()));
    gone.subscribe(CLUSTER);
    assertThat(gone.ended(WAIT).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(other.isOpen()).isTrue();
  }

  @Test
  void deltaXdsLeavesOutWhatTheTokenCannotReadAndNamesItRemoved() throws Exception {
    Token apiReader =
        token(
            List.of(policy("api-reader-delta", "service \"api\" { policy = \"read\" }")),
            List.of());
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", xds.port(), InsecureChannelCredentials.create())
            .build();
    opened.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    Metadata headers = new Metadata();
    headers.put(AclStreams.CONSUL_TOKEN, apiReader.secret());
    LinkedBlockingQueue<DeltaDiscoveryResponse> responses = new LinkedBlockingQueue<>();
    StreamObserver<DeltaDiscoveryRequest> requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .deltaAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DeltaDiscoveryResponse r) {
                    responses.add(r);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(
        DeltaDiscoveryRequest.newBuilder()
            .setNode(Node.newBuilder().setId("acl-delta").setUserAgentName("grpc-java"))
            .setTypeUrl(CLUSTER)
            .build());
    DeltaDiscoveryResponse first = responses.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    Set<String> sent = new TreeSet<>();
    first.getResourcesList().forEach(r -> sent.add(r.getName()));
    assertThat(sent).containsExactly("api");
    assertThat(first.getRemovedResourcesList()).contains("web", "db", "shop");
    requests.onNext(
        DeltaDiscoveryRequest.newBuilder()
            .setTypeUrl(CLUSTER)
            .setResponseNonce(first.getNonce())
            .build());

    // Endpoints by name: api's come; web's is neither sent nor answered again after the ACK.
    requests.onNext(
        DeltaDiscoveryRequest.newBuilder()
            .setTypeUrl(ENDPOINT)
            .addResourceNamesSubscribe("api")
            .addResourceNamesSubscribe("web")
            .build());
    List<DeltaDiscoveryResponse> endpoints = deltas(requests, responses, ENDPOINT, 1, WAIT);
    assertThat(endpoints).hasSize(1);
    assertThat(endpoints.get(0).getResourcesList())
        .extracting(r -> r.getName())
        .containsExactly("api");
    assertThat(deltas(requests, responses, ENDPOINT, 1, Duration.ofSeconds(1))).isEmpty();
    requests.onCompleted();
  }

  @Test
  void grpcJavasXdsResolverWithAReadOnlyTokenCallsApiButCannotResolveWebUntilAllowed()
      throws Exception {
    String policyId = policy("grpc-java-reader", "service \"api\" { policy = \"read\" }");
    Token reader = token(List.of(policyId), List.of());
    ManagedChannel toApi = grpcJava("xds-acl-reader", Optional.of(reader.secret()), "api");
    ManagedChannel toWeb = grpcJava("xds-acl-reader", Optional.of(reader.secret()), "web");
    await().ignoreExceptions().atMost(WAIT).until(() -> Backend.call(toApi).equals("api"));
    // grpc-java concludes "does not exist" only after its 15 s initial fetch timer: until then
    // the call waits, and runs out of time.
    assertThatThrownBy(() -> Backend.call(toWeb))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e ->
                assertThat(e.getStatus().getCode())
                    .isIn(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED));

    // Allowed to read web: the stream is ended, grpc-java reconnects and now resolves web.
    putPolicy(
        policyId,
        "grpc-java-reader",
        """
        service "api" { policy = "read" }
        service "web" { policy = "read" }
        """);
    await().ignoreExceptions().atMost(WAIT).until(() -> Backend.call(toWeb).equals("web"));
    assertThat(Backend.call(toApi)).isEqualTo("api");
  }

  @Test
  void grpcJavasXdsResolverWithoutATokenOrWithAnUnknownOneResolvesNothing() throws Exception {
    ManagedChannel anonymous = grpcJava("xds-acl-anonymous", Optional.empty(), "api");
    assertThatThrownBy(() -> Backend.call(anonymous))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e ->
                assertThat(e.getStatus().getCode())
                    .isIn(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED));
    // An unknown token ends the xDS stream at once, and grpc-java says why.
    ManagedChannel unknown = grpcJava("xds-acl-unknown", Optional.of(AclIds.random()), "api");
    assertThatThrownBy(() -> Backend.call(unknown))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("ACL not found");
            });
  }

  /**
   * Up to {@code max} delta responses of {@code type} that come within {@code wait}. Every response
   * is ACKed; those of other types (a late registry push) are skipped.
   */
  private static List<DeltaDiscoveryResponse> deltas(
      StreamObserver<DeltaDiscoveryRequest> requests,
      LinkedBlockingQueue<DeltaDiscoveryResponse> responses,
      String type,
      int max,
      Duration wait)
      throws InterruptedException {
    List<DeltaDiscoveryResponse> out = new ArrayList<>();
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline && out.size() < max) {
      DeltaDiscoveryResponse r =
          responses.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (r == null) {
        break;
      }
      requests.onNext(
          DeltaDiscoveryRequest.newBuilder()
              .setTypeUrl(r.getTypeUrl())
              .setResponseNonce(r.getNonce())
              .build());
      if (r.getTypeUrl().equals(type)) {
        out.add(r);
      }
    }
    return out;
  }

  private double denied(String reason) {
    var c = meters.find("cairn.xds.acl.denied").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  /**
   * A grpc-java channel to {@code xds-scheme:///service}, whose xDS client bootstraps with the
   * token as {@code channel_creds} of type {@code cairn_token}. grpc-java keeps one xDS client per
   * target, made from the first bootstrap: each token gets a scheme of its own.
   */
  @SuppressWarnings("unchecked")
  private ManagedChannel grpcJava(String scheme, Optional<String> token, String service)
      throws Exception {
    String creds =
        token
            .map(
                t ->
                    "{\"type\":\"%s\",\"config\":{\"token\":\"%s\"}}"
                        .formatted(TokenXdsCredentials.TYPE, t))
            .orElse("{\"type\":\"insecure\"}");
    Map<String, ?> bootstrap =
        (Map<String, ?>)
            JsonParser.parse(
                """
                {"xds_servers":[{"server_uri":"127.0.0.1:%d","channel_creds":[%s],
                  "server_features":["xds_v3"]}],
                 "node":{"id":"%s","locality":{"zone":"z"}}}"""
                    .formatted(xds.port(), creds, scheme));
    synchronized (XdsAclIT.class) {
      if (!SCHEMES.contains(scheme)) {
        NameResolverRegistry.getDefaultRegistry()
            .register(XdsNameResolverProvider.createForTest(scheme, bootstrap));
        SCHEMES.add(scheme);
      }
    }
    ManagedChannel channel =
        Grpc.newChannelBuilder(scheme + ":///" + service, InsecureChannelCredentials.create())
            .build();
    opened.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  private static final Set<String> SCHEMES = new TreeSet<>();
}
