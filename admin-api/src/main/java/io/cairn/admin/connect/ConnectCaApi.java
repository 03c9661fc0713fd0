package io.cairn.admin.connect;

import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.http.ApiException;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.admin.http.QueryParams;
import io.cairn.admin.json.JsonFields;
import io.cairn.ca.CaService;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.acl.Access;
import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.Problems;
import io.cairn.registry.validation.ValidationException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * {@code /v1/connect/ca}: the roots (anyone may read them) and the configuration (operator rights);
 * a configuration with another key type or size rotates to a new root cross-signed by the old.
 */
public final class ConnectCaApi implements HttpService {
  static final ToLongFunction<RegistrySnapshot> INDEX =
      s -> s.ca().map(Indexed::modifyIndex).orElse(0L);

  private final Registry registry;
  private final CaService ca;

  public ConnectCaApi(Registry registry, CaService ca) {
    this.registry = registry;
    this.ca = ca;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/roots", this::roots)
        .get("/configuration", this::configuration)
        .put("/configuration", this::configure);
  }

  void roots(ServerRequest req, ServerResponse res) {
    ca.current();
    RegistrySnapshot s = BlockingQuery.await(req, registry, INDEX);
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, INDEX));
    Json.send(res, CaJson.roots(s.ca().orElseThrow()));
  }

  private void configuration(ServerRequest req, ServerResponse res) {
    RequestAcl.of(req).requireOperator(Access.READ);
    Indexed<CaSetup> current = ca.current();
    BlockingQuery.headers(res, current.modifyIndex());
    Json.send(res, CaJson.configuration(current));
  }

  /** Consul's body: {@code Provider} (consul) and {@code Config}; missing settings default. */
  private void configure(ServerRequest req, ServerResponse res) {
    RequestAcl.of(req).requireOperator(Access.WRITE);
    Problems p = new Problems();
    JsonFields body = JsonFields.of("", Json.body(req), p);
    String provider = body.string("Provider", "consul");
    if (!provider.isEmpty() && !provider.equals("consul")) {
      p.add("Provider", "only Cairn's built-in CA, 'consul', is supported; was '" + provider + "'");
    }
    CaConfiguration d = CaConfiguration.DEFAULT;
    Duration leaf = d.leafCertTtl();
    Duration root = d.rootCertTtl();
    String type = d.privateKeyType();
    int bits = -1;
    var config = body.object("Config");
    if (config.isPresent()) {
      JsonFields c = config.get();
      leaf = c.duration("LeafCertTTL").orElse(leaf);
      root = c.duration("RootCertTTL").orElse(root);
      type = c.string("PrivateKeyType").filter(t -> !t.isEmpty()).orElse(type);
      bits = c.integer("PrivateKeyBits", -1);
      c.rejectUnknown(Set.of());
    }
    body.bool("ForceWithoutCrossSigning")
        .filter(Boolean::booleanValue)
        .ifPresent(
            f ->
                p.add(
                    "ForceWithoutCrossSigning",
                    "Cairn always cross-signs a new root, so no call fails during a rotation"));
    // A GET answer sent back unchanged carries these echoes; a cluster ID Cairn would ignore.
    body.string("ClusterID")
        .filter(id -> !id.isEmpty())
        .ifPresent(
            id ->
                p.add(
                    "ClusterID",
                    "Cairn derives its trust domain once and does not take a cluster ID; was '"
                        + id
                        + "'"));
    body.rejectUnknown(Set.of("State", "CreateIndex", "ModifyIndex"));
    if (bits <= 0) {
      bits = type.equals("rsa") ? 2048 : 256;
    }
    CaConfiguration wanted = null;
    try {
      wanted = new CaConfiguration(leaf, type, bits, root);
    } catch (ValidationException e) {
      e.problems().forEach(problem -> p.add(problem.field(), problem.message()));
    }
    p.throwIfAny();
    OptionalLong cas = QueryParams.nonNegativeLong(req, "cas");
    if (!ca.configure(wanted, cas)) {
      throw new ApiException(409, "the CA configuration changed since index " + cas.getAsLong());
    }
    Json.send(res, true);
  }
}
