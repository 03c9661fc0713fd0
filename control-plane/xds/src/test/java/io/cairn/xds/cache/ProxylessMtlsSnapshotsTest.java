package io.cairn.xds.cache;

import static io.cairn.xds.pgv.ValidResources.validForGrpc;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaRoot;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.command.Command;
import io.cairn.registry.command.PutCa;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionSource;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.ServiceKind;
import io.cairn.xds.translate.ServerListenerTranslator;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.grpc.xds.client.GrpcJavaParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Proxyless mTLS (gRFC A29) and server listeners (A36, A41) in the downstream groups: clients that
 * name a certificate provider instance dial Connect-native services over mTLS, checking their
 * SPIFFE ID; everyone else keeps the plaintext snapshot; a server of a registered service gets its
 * listener template with RBAC from its intentions. Every result passes Envoy's and grpc-java's
 * checks, and incremental updates agree with a fresh build.
 */
class ProxylessMtlsSnapshotsTest {
  private static final String TLS = GrpcJavaParser.CERTIFICATE_PROVIDER;
  private static final DownstreamKey CLIENT =
      new DownstreamKey("", Optional.empty(), Optional.of(TLS));
  private static final DownstreamKey SERVER =
      new DownstreamKey("api", Optional.empty(), Optional.of(TLS));
  private static final DownstreamKey PLAIN_SERVER = new DownstreamKey("api", Optional.empty());

  private final Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
  private final ProxylessSnapshots proxyless = new ProxylessSnapshots();
  private final DownstreamSnapshots downstream =
      new DownstreamSnapshots(IntentionAction.ALLOW, "dc1");
  private ContentSnapshot shared;
  private Map<DownstreamKey, ContentSnapshot> groups = new HashMap<>();

  @AfterEach
  void close() {
    registry.close();
  }

  private static Command instance(String id, String service, ServiceKind kind) {
    return RegisterInstance.of(
        ServiceInstance.builder(id, service).address("10.0.0.1").port(8080).kind(kind).build());
  }

  private static CaSetup ca(String trustDomain) {
    CaRoot root =
        new CaRoot("r1", "root", 7, "aa:bb", 1_000, 2_000, "CERT", List.of(), "ec", 256, "KEY");
    return new CaSetup(trustDomain, CaConfiguration.DEFAULT, "r1", List.of(root));
  }

  /** Applies {@code command}, publishes as XdsServer does, and checks against a fresh build. */
  private void step(Command command, String... changed) {
    registry.apply(command);
    shared = proxyless.update(registry.snapshot(), Set.of(changed));
    groups = downstream.update(registry.snapshot(), shared, Set.of(changed));
    DownstreamSnapshots fresh = new DownstreamSnapshots(IntentionAction.ALLOW, "dc1");
    ContentSnapshot full = ProxylessSnapshots.build(registry.snapshot());
    fresh.update(registry.snapshot(), full);
    groups.forEach(
        (key, s) -> {
          assertThat(SnapshotVersions.of(validForGrpc(s)))
              .as(key + " after " + command)
              .isEqualTo(SnapshotVersions.of(fresh.track(registry.snapshot(), full, key)));
          Listener template = s.listeners().resources().get(ServerListenerTranslator.TEMPLATE);
          if (template != null) {
            validForGrpc(
                ServerListenerTranslator.named(
                    template,
                    ServerListenerTranslator.PREFIX + "0.0.0.0:8080",
                    ServerListenerTranslator.address(
                            ServerListenerTranslator.PREFIX + "0.0.0.0:8080")
                        .orElseThrow()));
          }
        });
  }

  private void track(DownstreamKey key) {
    groups.put(key, downstream.track(registry.snapshot(), shared, key));
  }

  private Cluster cluster(DownstreamKey key, String name) {
    return groups.get(key).clusters().resources().get(name);
  }

  private static UpstreamTlsContext tls(Cluster c) throws InvalidProtocolBufferException {
    return c.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
  }

  @Test
  void optedInClientsDialNativeServicesOverMtlsCheckingTheirSpiffeId() throws Exception {
    registry.apply(instance("api-1", "api", ServiceKind.NATIVE));
    registry.apply(instance("db-1", "db", ServiceKind.PLAIN));
    shared = proxyless.rebuild(registry.snapshot());
    downstream.update(registry.snapshot(), shared);
    track(CLIENT);
    // No CA yet: no identity to check, so nothing changes.
    assertThat(groups.get(CLIENT)).isSameAs(shared);

    step(new PutCa(ca("td.consul"), OptionalLong.of(0)));
    UpstreamTlsContext api = tls(cluster(CLIENT, "api"));
    assertThat(api.getCommonTlsContext().getTlsCertificateProviderInstance().getInstanceName())
        .isEqualTo(TLS);
    var validation = api.getCommonTlsContext().getValidationContext();
    assertThat(validation.getCaCertificateProviderInstance().getInstanceName()).isEqualTo(TLS);
    assertThat(validation.getMatchSubjectAltNamesList())
        .singleElement()
        .satisfies(
            m ->
                assertThat(m.getExact()).isEqualTo("spiffe://td.consul/ns/default/dc/dc1/svc/api"));
    assertThat(cluster(CLIENT, "db").hasTransportSocket()).as("db is not native").isFalse();
    // The shared snapshot, what every other client gets, stays plaintext.
    assertThat(shared.clusters().resources().get("api").hasTransportSocket()).isFalse();

    // An instance's kind changes without its address: the cluster follows, both ways.
    step(instance("db-1", "db", ServiceKind.NATIVE), "db");
    assertThat(cluster(CLIENT, "db").hasTransportSocket()).isTrue();
    step(instance("api-1", "api", ServiceKind.PLAIN), "api");
    assertThat(cluster(CLIENT, "api").hasTransportSocket()).isFalse();
    // One native instance is enough: a plain one beside it fails its handshakes and is skipped.
    step(instance("api-2", "api", ServiceKind.NATIVE), "api");
    assertThat(cluster(CLIENT, "api").hasTransportSocket()).isTrue();
  }

  @Test
  void aServerOfARegisteredServiceGetsItsListenerWithRbacAndMtls() throws Exception {
    registry.apply(new PutCa(ca("td.consul"), OptionalLong.of(0)));
    shared = proxyless.rebuild(registry.snapshot());
    downstream.update(registry.snapshot(), shared);
    track(SERVER);
    track(PLAIN_SERVER);
    assertThat(groups.get(SERVER).listeners().resources())
        .as("not registered: no listener, so the server does not serve")
        .doesNotContainKey(ServerListenerTranslator.TEMPLATE);

    step(instance("api-1", "api", ServiceKind.NATIVE), "api");
    Listener tls =
        groups.get(SERVER).listeners().resources().get(ServerListenerTranslator.TEMPLATE);
    var chain = tls.getFilterChains(0);
    DownstreamTlsContext downstreamTls =
        chain.getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);
    assertThat(downstreamTls.getRequireClientCertificate().getValue()).isTrue();
    assertThat(
            downstreamTls
                .getCommonTlsContext()
                .getTlsCertificateProviderInstance()
                .getInstanceName())
        .isEqualTo(TLS);
    assertThat(rbac(tls).getPoliciesMap()).as("nothing denied yet").isEmpty();
    Listener plain =
        groups.get(PLAIN_SERVER).listeners().resources().get(ServerListenerTranslator.TEMPLATE);
    assertThat(plain.getFilterChains(0).hasTransportSocket()).isFalse();

    step(
        PutConfigEntry.of(
            new ServiceIntentions(
                "api", List.of(IntentionSource.of("web", IntentionAction.DENY)), Map.of())),
        "api");
    assertThat(
            rbac(groups.get(SERVER).listeners().resources().get(ServerListenerTranslator.TEMPLATE)))
        .satisfies(
            r -> {
              assertThat(r.getAction()).isEqualTo(RBAC.Action.DENY);
              assertThat(r.getPoliciesMap()).hasSize(1);
            });
  }

  @Test
  void serverListenerNamesCarryTheirAddress() {
    assertThat(ServerListenerTranslator.address(ServerListenerTranslator.PREFIX + "[::]:50051"))
        .contains(new ServerListenerTranslator.ListeningAddress("::", 50051));
    assertThat(ServerListenerTranslator.address(ServerListenerTranslator.PREFIX + "10.0.0.1:80"))
        .contains(new ServerListenerTranslator.ListeningAddress("10.0.0.1", 80));
    for (String bad :
        List.of(
            "api",
            ServerListenerTranslator.PREFIX + "host:80",
            ServerListenerTranslator.PREFIX + "1.2.3.4:x")) {
      assertThat(ServerListenerTranslator.address(bad)).as(bad).isEmpty();
    }
  }

  private static RBAC rbac(Listener listener) throws Exception {
    HttpConnectionManager hcm =
        listener
            .getFilterChains(0)
            .getFilters(0)
            .getTypedConfig()
            .unpack(HttpConnectionManager.class);
    return hcm.getHttpFilters(0)
        .getTypedConfig()
        .unpack(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.class)
        .getRules();
  }
}
