package io.cairn.xds.cache;

import static io.cairn.xds.pgv.ValidResources.valid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.ca.CertificateAuthority;
import io.cairn.ca.Leaf;
import io.cairn.ca.SpiffeId;
import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.command.PutCa;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.ServiceKind;
import io.cairn.registry.model.Upstream;
import io.cairn.xds.translate.MeshTlsTranslator;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sidecars' mutual TLS: TLS contexts naming SDS secrets, and secrets that change alone. */
class SidecarTlsTest {
  private static final String TD = "11111111-2222-3333-4444-555555555555.consul";
  private final Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());

  @AfterEach
  void close() {
    registry.close();
  }

  private void app(String id, String service, String address) {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(id, service).address(address).port(8080).build()));
  }

  private void sidecar(String app, String service, String address, Upstream... up) {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(app + "-sidecar-proxy", service + "-sidecar-proxy")
                .address(address)
                .port(21000)
                .kind(new ConnectProxy(service, Optional.of(app), "127.0.0.1", 8080, List.of(up)))
                .build()));
  }

  /** web calls api (which has a sidecar) and db (which has none). */
  private void mesh() {
    app("web-1", "web", "10.0.1.1");
    sidecar("web-1", "web", "10.0.1.1", new Upstream("api", 9191), new Upstream("db", 9292));
    app("api-1", "api", "10.0.0.1");
    sidecar("api-1", "api", "10.0.0.1");
    app("db-1", "db", "10.0.2.1");
  }

  private CaSetup putCa() {
    CaSetup ca = CertificateAuthority.create(CaConfiguration.DEFAULT, TD, Instant.now());
    registry.apply(new PutCa(ca, OptionalLong.of(0)));
    return ca;
  }

  private static Map<String, String> versions(ContentSnapshot s, ResourceType... types) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (ResourceType t : types) {
      s.versionedResources(t).forEach((n, v) -> out.put(t + "/" + n, v.version()));
    }
    return out;
  }

  @Test
  void aConnectNativeTargetIsDialedOverMtlsAndAPlainOneIsNot() {
    app("web-1", "web", "10.0.1.1");
    sidecar("web-1", "web", "10.0.1.1", new Upstream("pay", 9393));
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("pay-1", "pay")
                .address("10.0.3.1")
                .port(9003)
                .kind(ServiceKind.NATIVE)
                .build()));
    putCa();
    SidecarSnapshots sidecars = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    Cluster pay =
        valid(sidecars.rebuild(registry.snapshot()).snapshots().get("web-1-sidecar-proxy"))
            .clusters()
            .resources()
            .get("pay");
    assertThat(pay.hasTransportSocket()).as("pay speaks mTLS itself").isTrue();
    assertThat(pay.getTransportSocket())
        .isEqualTo(MeshTlsTranslator.upstream(new SpiffeId(TD, "dc1", "pay")));

    app("pay-1", "pay", "10.0.3.1"); // registered again, no longer native
    Cluster plain =
        sidecars
            .update(registry.snapshot(), Set.of("pay"))
            .snapshots()
            .get("web-1-sidecar-proxy")
            .clusters()
            .resources()
            .get("pay");
    assertThat(plain.hasTransportSocket()).isFalse();
  }

  @Test
  void nothingIsBuiltBeforeTheCaThenEverySidecarIs() {
    mesh();
    SidecarSnapshots sidecars = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    assertThat(sidecars.rebuild(registry.snapshot()).snapshots()).isEmpty();
    assertThat(sidecars.services()).containsExactlyInAnyOrder("web", "api");
    putCa();
    assertThat(sidecars.update(registry.snapshot(), Set.of()).snapshots())
        .containsOnlyKeys("web-1-sidecar-proxy", "api-1-sidecar-proxy");
  }

  @Test
  void thePublicListenerRequiresAMeshCertificateAndOnlySidecarFrontedTargetsSpeakTls()
      throws Exception {
    mesh();
    CaSetup ca = putCa();
    SidecarSnapshots sidecars = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    sidecars.rebuild(registry.snapshot());
    Leaf leaf = CertificateAuthority.issue(ca, "dc1", "web", Instant.now());
    ContentSnapshot web =
        valid(sidecars.leaves(Map.of("web", leaf)).snapshots().get("web-1-sidecar-proxy"));

    Listener inbound = web.listeners().resources().get("public_listener:0.0.0.0:21000");
    var socket = inbound.getFilterChains(0).getTransportSocket();
    assertThat(socket.getName()).isEqualTo("envoy.transport_sockets.tls");
    DownstreamTlsContext down = socket.getTypedConfig().unpack(DownstreamTlsContext.class);
    assertThat(down.getRequireClientCertificate().getValue()).isTrue();
    assertThat(down.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0).getName())
        .isEqualTo("leaf");
    assertThat(
            down.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0).getSdsConfig().hasAds())
        .isTrue();
    assertThat(down.getCommonTlsContext().getValidationContextSdsSecretConfig().getName())
        .isEqualTo("roots");
    assertThat(
            web.listeners()
                .resources()
                .get("api:127.0.0.1:9191")
                .getFilterChains(0)
                .hasTransportSocket())
        .as("outbound listeners are the local application's plaintext")
        .isFalse();

    Cluster api = web.clusters().resources().get("api");
    UpstreamTlsContext up =
        api.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    String apiId = "spiffe://" + TD + "/ns/default/dc/dc1/svc/api";
    assertThat(up.getSni()).isEqualTo("api.default.dc1.internal." + TD);
    var validation = up.getCommonTlsContext().getCombinedValidationContext();
    SubjectAltNameMatcher san =
        validation.getDefaultValidationContext().getMatchTypedSubjectAltNames(0);
    assertThat(san.getSanType()).isEqualTo(SubjectAltNameMatcher.SanType.URI);
    assertThat(san.getMatcher().getExact()).isEqualTo(apiId);
    assertThat(validation.getValidationContextSdsSecretConfig().getName()).isEqualTo("roots");
    assertThat(up.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0).getName())
        .isEqualTo("leaf");
    assertThat(web.clusters().resources().get("db").hasTransportSocket())
        .as("db has no sidecar: reached directly, in plaintext")
        .isFalse();
    assertThat(web.clusters().resources().get("local_app").hasTransportSocket()).isFalse();

    Secret leafSecret = web.secrets().resources().get("leaf");
    assertThat(leafSecret.getTlsCertificate().getCertificateChain().getInlineString())
        .isEqualTo(leaf.certPem());
    assertThat(leafSecret.getTlsCertificate().getPrivateKey().getInlineString())
        .isEqualTo(leaf.privateKeyPem());
    assertThat(
            web.secrets()
                .resources()
                .get("roots")
                .getValidationContext()
                .getTrustedCa()
                .getInlineString())
        .isEqualTo(ca.activeRoot().rootCertPem());
    assertThat(MeshTlsTranslator.sni(leaf.id())).isEqualTo("web.default.dc1.internal." + TD);

    // api gains nothing from web's leaf; its snapshot has the roots and waits for its own.
    ContentSnapshot apiSidecar = sidecars.all().get("api-1-sidecar-proxy");
    assertThat(apiSidecar.secrets().resources()).containsOnlyKeys("roots");
  }

  @Test
  void aNewLeafOrNewRootsChangeSecretsAndNothingElse() {
    mesh();
    CaSetup ca = putCa();
    SidecarSnapshots sidecars = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    sidecars.rebuild(registry.snapshot());
    sidecars.leaves(Map.of("web", CertificateAuthority.issue(ca, "dc1", "web", Instant.now())));
    ContentSnapshot before = sidecars.all().get("web-1-sidecar-proxy");
    ResourceType[] config = {
      ResourceType.CLUSTER, ResourceType.ENDPOINT, ResourceType.LISTENER, ResourceType.ROUTE
    };

    SidecarSnapshots.Update renewed =
        sidecars.leaves(Map.of("web", CertificateAuthority.issue(ca, "dc1", "web", Instant.now())));
    assertThat(renewed.snapshots()).containsOnlyKeys("web-1-sidecar-proxy");
    ContentSnapshot after = renewed.snapshots().get("web-1-sidecar-proxy");
    assertThat(versions(after, config)).isEqualTo(versions(before, config));
    assertThat(after.secrets().versionedResources().get("leaf").version())
        .isNotEqualTo(before.secrets().versionedResources().get("leaf").version());
    assertThat(after.secrets().versionedResources().get("roots").version())
        .isEqualTo(before.secrets().versionedResources().get("roots").version());

    CaSetup rotated = CertificateAuthority.rotate(ca, CaConfiguration.DEFAULT, Instant.now());
    registry.apply(
        new PutCa(rotated, OptionalLong.of(registry.snapshot().ca().orElseThrow().modifyIndex())));
    SidecarSnapshots.Update newRoots = sidecars.update(registry.snapshot(), Set.of());
    assertThat(newRoots.snapshots()).containsOnlyKeys("web-1-sidecar-proxy", "api-1-sidecar-proxy");
    ContentSnapshot rotatedWeb = newRoots.snapshots().get("web-1-sidecar-proxy");
    assertThat(versions(rotatedWeb, config)).isEqualTo(versions(before, config));
    assertThat(
            rotatedWeb
                .secrets()
                .resources()
                .get("roots")
                .getValidationContext()
                .getTrustedCa()
                .getInlineString())
        .as("every root, old and new")
        .contains(ca.activeRoot().rootCertPem())
        .contains(rotated.activeRoot().rootCertPem());
    assertThat(rotatedWeb.secrets().versionedResources().get("leaf"))
        .isEqualTo(after.secrets().versionedResources().get("leaf"));
  }
}
