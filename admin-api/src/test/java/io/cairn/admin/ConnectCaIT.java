package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.admin.AdminServer.Reply;
import io.cairn.ca.CertificateChecks;
import io.cairn.registry.config.IntentionAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consul Connect's CA API: roots, leaves with SPIFFE IDs, authorize, configuration, rotation. */
class ConnectCaIT {
  private AdminServer api;
  @TempDir Path dir;

  @BeforeEach
  void start() {
    api = AdminServer.start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void aLeafForAServiceCarriesItsSpiffeIdAndChainsToTheActiveRoot() throws Exception {
    JsonNode roots = api.get("/v1/connect/ca/roots").json();
    String trustDomain = roots.get("TrustDomain").asText();
    assertThat(trustDomain).matches("[0-9a-f-]{36}\\.consul");
    assertThat(roots.get("Roots")).hasSize(1);
    JsonNode root = roots.get("Roots").get(0);
    assertThat(root.get("Active").asBoolean()).isTrue();
    assertThat(root.get("ID").asText()).isEqualTo(roots.get("ActiveRootID").asText());
    assertThat(root.toString()).doesNotContain("PRIVATE KEY");
    assertThat(api.get("/v1/agent/connect/ca/roots").json()).isEqualTo(roots);

    Reply leafReply = api.get("/v1/agent/connect/ca/leaf/web");
    assertThat(leafReply.status()).as(leafReply.body()).isEqualTo(200);
    JsonNode leaf = leafReply.json();
    String uri = "spiffe://" + trustDomain + "/ns/default/dc/dc1/svc/web";
    assertThat(leaf.get("ServiceURI").asText()).isEqualTo(uri);
    assertThat(leaf.get("Service").asText()).isEqualTo("web");
    assertThat(leaf.get("PrivateKeyPEM").asText()).contains("BEGIN PRIVATE KEY");
    X509Certificate cert = CertificateChecks.certificates(leaf.get("CertPEM").asText()).getFirst();
    assertThat(cert.getSubjectAlternativeNames().iterator().next().get(1)).isEqualTo(uri);
    CertificateChecks.validate(List.of(cert), root.get("RootCert").asText());
    // The same leaf until it is due for renewal.
    assertThat(api.get("/v1/agent/connect/ca/leaf/web").json().get("SerialNumber"))
        .isEqualTo(leaf.get("SerialNumber"));

    if (CertificateChecks.opensslInstalled()) {
      Path rootFile = Files.writeString(dir.resolve("root.pem"), root.get("RootCert").asText());
      Path leafFile = Files.writeString(dir.resolve("leaf.pem"), leaf.get("CertPEM").asText());
      assertThat(
              CertificateChecks.openssl(
                  "verify", "-CAfile", rootFile.toString(), leafFile.toString()))
          .contains(": OK");
    }
    assertThat(api.get("/v1/agent/connect/ca/leaf/not_a_name").status()).isEqualTo(400);
  }

  @Test
  void authorizeFollowsTheIntentionsAndTheTrustDomain() {
    String trustDomain = api.get("/v1/connect/ca/roots").json().get("TrustDomain").asText();
    Reply deny =
        api.put("/v1/connect/intentions/exact?source=web&destination=db", "{\"Action\":\"deny\"}");
    assertThat(deny.status()).as(deny.body()).isEqualTo(200);
    String web = "spiffe://" + trustDomain + "/ns/default/dc/dc1/svc/web";
    String api1 = "spiffe://" + trustDomain + "/ns/default/dc/dc1/svc/api";
    assertThat(authorize("db", web).get("Authorized").asBoolean()).isFalse();
    assertThat(authorize("db", api1).get("Authorized").asBoolean())
        .as("no intention: the default policy, allow here")
        .isTrue();
    JsonNode foreign = authorize("db", "spiffe://other.consul/ns/default/dc/dc1/svc/api");
    assertThat(foreign.get("Authorized").asBoolean()).isFalse();
    assertThat(foreign.get("Reason").asText()).contains("trust domain");
    Reply bad =
        api.send(
            "POST",
            "/v1/agent/connect/authorize",
            "{\"Target\":\"\",\"ClientCertURI\":\"https://x\",\"ClientCertSerial\":\"zz\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("Problems").toString())
        .contains("Target")
        .contains("ClientCertURI")
        .contains("ClientCertSerial");
    Reply withSerial =
        api.send(
            "POST",
            "/v1/agent/connect/authorize",
            "{\"Target\":\"db\",\"ClientCertURI\":\""
                + web
                + "\",\"ClientCertSerial\":\"0a:1B:2c\"}");
    assertThat(withSerial.status()).as(withSerial.body()).isEqualTo(200);
  }

  private JsonNode authorize(String target, String uri) {
    Reply r =
        api.send(
            "POST",
            "/v1/agent/connect/authorize",
            "{\"Target\":\"" + target + "\",\"ClientCertURI\":\"" + uri + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void aNewKeyTypeRotatesTheRootAndWakesBlockedReadersOfRootsAndLeaves() throws Exception {
    JsonNode before = api.get("/v1/connect/ca/roots").json();
    Reply roots = api.get("/v1/connect/ca/roots");
    Reply leaf = api.get("/v1/agent/connect/ca/leaf/web");
    CompletableFuture<Reply> rootsWait =
        CompletableFuture.supplyAsync(() -> api.get("/v1/connect/ca/roots?index=" + roots.index()));
    CompletableFuture<Reply> leafWait =
        CompletableFuture.supplyAsync(
            () -> api.get("/v1/agent/connect/ca/leaf/web?index=" + leaf.index()));

    JsonNode config = api.get("/v1/connect/ca/configuration").json();
    assertThat(config.get("Provider").asText()).isEqualTo("consul");
    assertThat(config.get("Config").get("PrivateKeyType").asText()).isEqualTo("ec");
    Reply rotate =
        api.put(
            "/v1/connect/ca/configuration",
            "{\"Provider\":\"consul\",\"Config\":{\"PrivateKeyType\":\"rsa\","
                + "\"PrivateKeyBits\":2048,\"LeafCertTTL\":\"24h\"}}");
    assertThat(rotate.status()).as(rotate.body()).isEqualTo(200);

    JsonNode after = rootsWait.get(60, TimeUnit.SECONDS).json();
    assertThat(after.get("Roots")).hasSize(2);
    assertThat(after.get("ActiveRootID").asText())
        .isNotEqualTo(before.get("ActiveRootID").asText());
    assertThat(after.get("TrustDomain")).isEqualTo(before.get("TrustDomain"));
    JsonNode oldRoot = after.get("Roots").get(0);
    JsonNode newRoot = after.get("Roots").get(1);
    assertThat(oldRoot.get("Active").asBoolean()).isFalse();
    assertThat(newRoot.get("IntermediateCerts")).hasSize(1);

    JsonNode renewed = leafWait.get(60, TimeUnit.SECONDS).json();
    assertThat(renewed.get("SerialNumber")).isNotEqualTo(leaf.json().get("SerialNumber"));
    List<X509Certificate> chain = CertificateChecks.certificates(renewed.get("CertPEM").asText());
    assertThat(chain.getFirst().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    // Proxies that have only the old root still accept it, through the cross-signature.
    CertificateChecks.validate(chain, oldRoot.get("RootCert").asText());
    CertificateChecks.validate(List.of(chain.getFirst()), newRoot.get("RootCert").asText());

    // Only the leaf TTL: same root.
    Reply ttl =
        api.put(
            "/v1/connect/ca/configuration",
            "{\"Config\":{\"PrivateKeyType\":\"rsa\",\"PrivateKeyBits\":2048,"
                + "\"LeafCertTTL\":\"48h\"}}");
    assertThat(ttl.status()).isEqualTo(200);
    assertThat(api.get("/v1/connect/ca/roots").json().get("Roots")).hasSize(2);

    Reply bad =
        api.put(
            "/v1/connect/ca/configuration",
            "{\"Provider\":\"vault\",\"Config\":{\"PrivateKeyType\":\"dsa\",\"LeafCertTTL\":\"1m\","
                + "\"RootCert\":\"x\"},\"ClusterID\":\"abc\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("Problems").toString())
        .contains("Provider")
        .contains("RootCert")
        .contains("ClusterID");
    JsonNode echoed = api.get("/v1/connect/ca/configuration").json();
    ((ObjectNode) echoed).put("ClusterID", "");
    assertThat(api.put("/v1/connect/ca/configuration", echoed.toString()).status())
        .as("a GET answer sent back, with an empty cluster ID")
        .isEqualTo(200);
    long index = api.get("/v1/connect/ca/configuration").index();
    assertThat(
            api.put(
                    "/v1/connect/ca/configuration?cas=" + (index - 1),
                    "{\"Config\":{\"LeafCertTTL\":\"72h\"}}")
                .status())
        .isEqualTo(409);
  }

  @Test
  void aLeafNeedsWriteOnItsServiceWhileRootsAreForEveryone() {
    try (AdminServer acl = AdminServer.start(Optional.of("s3cret"), IntentionAction.ALLOW)) {
      assertThat(acl.get("/v1/connect/ca/roots").status()).isEqualTo(200);
      assertThat(acl.get("/v1/agent/connect/ca/leaf/web").status()).isEqualTo(403);
      assertThat(acl.get("/v1/connect/ca/configuration").status()).isEqualTo(403);
      Reply withToken =
          acl.send("GET", "/v1/agent/connect/ca/leaf/web", null, "X-Consul-Token", "s3cret");
      assertThat(withToken.status()).isEqualTo(200);
    }
  }
}
