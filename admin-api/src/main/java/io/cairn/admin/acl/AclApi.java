package io.cairn.admin.acl;

import io.cairn.admin.http.ApiException;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.AclBootstrapDoneException;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.acl.Access;
import io.cairn.registry.acl.AclIds;
import io.cairn.registry.acl.AclPolicy;
import io.cairn.registry.acl.AclResolver;
import io.cairn.registry.acl.AclSettings;
import io.cairn.registry.acl.AclState;
import io.cairn.registry.acl.AclToken;
import io.cairn.registry.acl.BuiltinPolicies;
import io.cairn.registry.command.BootstrapAcl;
import io.cairn.registry.command.DeleteAclPolicy;
import io.cairn.registry.command.DeleteAclToken;
import io.cairn.registry.command.PutAclPolicy;
import io.cairn.registry.command.PutAclToken;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.Problems;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /v1/acl}: Consul's policy and token endpoints, and bootstrap. Reads need {@code acl:read},
 * writes {@code acl:write}; a secret is shown only to a caller that may write ACLs. Every change
 * goes through the registry's single writer and is durable before the answer.
 */
public final class AclApi implements HttpService {
  private final Registry registry;
  private final AclSettings settings;

  public AclApi(Registry registry, AclSettings settings) {
    this.registry = registry;
    this.settings = settings;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .put("/bootstrap", on(this::bootstrap))
        .put("/policy", on(this::createPolicy))
        .get("/policy/name/{name}", on(this::policyByName))
        .get("/policy/{id}", on(this::readPolicy))
        .put("/policy/{id}", on(this::updatePolicy))
        .delete("/policy/{id}", on(this::deletePolicy))
        .get("/policies", on(this::policies))
        .put("/token", on(this::createToken))
        .get("/token/self", on(this::self))
        .get("/token/{id}", on(this::readToken))
        .put("/token/{id}", on(this::updateToken))
        .delete("/token/{id}", on(this::deleteToken))
        .get("/tokens", on(this::tokens));
  }

  /** Consul answers every ACL endpoint with 401 while ACLs are off. */
  private Handler on(Handler handler) {
    return (req, res) -> {
      if (!settings.enabled()) {
        throw new ApiException(401, "ACL support disabled");
      }
      handler.handle(req, res);
    };
  }

  private void bootstrap(ServerRequest req, ServerResponse res) {
    if (settings.managementToken().isPresent()) {
      // As in Consul, where initial_management bootstraps ACLs: else anyone could make a second
      // management token on a server its operator locked with acl.token.
      throw new AclBootstrapDoneException();
    }
    AclToken token =
        new AclToken(
            AclIds.random(),
            AclIds.random(),
            "Bootstrap Token (Global Management)",
            List.of(BuiltinPolicies.GLOBAL_MANAGEMENT.id()),
            List.of(),
            false,
            now());
    registry.apply(new BootstrapAcl(token));
    sendToken(res, acl(), token.accessorId(), true);
  }

  private void createPolicy(ServerRequest req, ServerResponse res) {
    RequestAcl.of(req).requireAcl(Access.WRITE);
    JsonFields body = JsonFields.of("", Json.body(req), new Problems());
    String id = body.string("ID").filter(s -> !s.isEmpty()).orElseGet(AclIds::random);
    if (acl().policy(id).isPresent()) {
      throw ApiException.badRequest(
          "a policy with ID '" + id + "' exists; update it with PUT /v1/acl/policy/" + id);
    }
    AclPolicy policy = AclDecoder.policy(body, id);
    registry.apply(new PutAclPolicy(policy));
    sendPolicy(res, id);
  }

  private void updatePolicy(ServerRequest req, ServerResponse res) {
    RequestAcl.of(req).requireAcl(Access.WRITE);
    String id = req.path().pathParameters().get("id");
    if (acl().storedPolicy(id).isEmpty() && !BuiltinPolicies.isBuiltin(id)) {
      throw ApiException.notFound("no ACL policy with ID '" + id + "'");
    }
    AclPolicy policy = AclDecoder.policy(JsonFields.of("", Json.body(req), new Problems()), id);
    registry.apply(new PutAclPolicy(policy));
    sendPolicy(res, id);
  }

  private void readPolicy(ServerRequest req, ServerResponse res) {
    RequestAcl.of(req).requireAcl(Access.READ);
    String id = req.path().pathParameters().get("id");
    AclState acl = readAt(res);
    AclPolicy policy =
        acl.policy(id)
            .orElseThrow(() -> ApiException.notFound("no ACL policy with ID '" + id + "'"));
    Json.send(res, AclJson.policy(acl, policy, true));
  }

  private void policyByName(ServerRequest req, ServerResponse res) {
    RequestAcl.of(req).requireAcl(Access.READ);
    String name = req.path().pathParameters().get("name");
    AclState acl = readAt(res);
    AclPolicy policy =
        acl.policyByName(name)
            .orElseThrow(() -> ApiException.notFound("no ACL policy named '" + name + "'"));
    Json.send(res, AclJson.policy(acl, policy, true));
  }

  private void deletePolicy(ServerRequest req, ServerResponse res) {
    RequestAcl.of(req).requireAcl(Access.WRITE);
    registry.apply(new DeleteAclPolicy(req.path().pathParameters().get("id")));
    Json.send(res, true);
  }

  private void policies(ServerRequest req, ServerResponse res) {
    RequestAcl.of(req).requireAcl(Access.READ);
    AclState acl = readAt(res);
    List<AclJson.PolicyJson> out = new ArrayList<>();
    acl.allPolicies().forEach(p -> out.add(AclJson.policy(acl, p, false)));
    Json.send(res, out);
  }

  private void createToken(ServerRequest req, ServerResponse res) {
    RequestAcl.of(req).requireAcl(Access.WRITE);
    JsonFields body = JsonFields.of("", Json.body(req), new Problems());
    String accessor = body.string("AccessorID").filter(s -> !s.isEmpty()).orElseGet(AclIds::random);
    if (acl().token(accessor).isPresent()) {
      throw ApiException.badRequest(
          "a token with AccessorID '"
              + accessor
              + "' exists; update it with PUT /v1/acl/token/"
              + accessor);
    }
    AclToken token = AclDecoder.token(body, acl(), Optional.empty(), accessor);
    registry.apply(new PutAclToken(token));
    sendToken(res, acl(), accessor, true);
  }

  private void updateToken(ServerRequest req, ServerResponse res) {
    RequestAcl.of(req).requireAcl(Access.WRITE);
    String accessor = req.path().pathParameters().get("id");
    AclState acl = acl();
    Optional<AclToken> existing =
        accessor.equals(AclToken.ANONYMOUS_ACCESSOR)
            ? Optional.of(acl.anonymous())
            : acl.token(accessor).map(Indexed::value);
    if (existing.isEmpty()) {
      throw ApiException.notFound("no ACL token with AccessorID '" + accessor + "'");
    }
    AclToken token =
        AclDecoder.token(
            JsonFields.of("", Json.body(req), new Problems()), acl, existing, accessor);
    registry.apply(new PutAclToken(token));
    sendToken(res, acl(), accessor, true);
  }

  private void readToken(ServerRequest req, ServerResponse res) {
    RequestAcl caller = RequestAcl.of(req);
    caller.requireAcl(Access.READ);
    String accessor = req.path().pathParameters().get("id");
    sendToken(res, readAt(res), accessor, caller.authorizer().acl().allows(Access.WRITE));
  }

  /** The caller's own token, whatever its rights (Consul's {@code acl token read -self}). */
  private void self(ServerRequest req, ServerResponse res) {
    String accessor = RequestAcl.of(req).accessorId();
    AclState acl = readAt(res);
    if (accessor.equals(AclResolver.CONFIGURED_MANAGEMENT)) {
      Json.send(
          res,
          new AclJson.TokenJson(
              accessor,
              AclJson.HIDDEN,
              "Management token from Cairn's configuration (acl.token)",
              List.of(
                  new AclJson.PolicyLink(
                      BuiltinPolicies.GLOBAL_MANAGEMENT.id(),
                      BuiltinPolicies.GLOBAL_MANAGEMENT.name())),
              List.of(),
              false,
              "",
              "",
              1,
              1));
      return;
    }
    sendToken(res, acl, accessor, true);
  }

  private void deleteToken(ServerRequest req, ServerResponse res) {
    RequestAcl.of(req).requireAcl(Access.WRITE);
    registry.apply(new DeleteAclToken(req.path().pathParameters().get("id")));
    Json.send(res, true);
  }

  private void tokens(ServerRequest req, ServerResponse res) {
    RequestAcl caller = RequestAcl.of(req);
    caller.requireAcl(Access.READ);
    boolean secrets = caller.authorizer().acl().allows(Access.WRITE);
    AclState acl = readAt(res);
    List<AclJson.TokenJson> out = new ArrayList<>();
    if (acl.token(AclToken.ANONYMOUS_ACCESSOR).isEmpty()) {
      out.add(AclJson.token(acl, acl.anonymous(), 1, 1, secrets));
    }
    acl.allTokens()
        .forEach(
            t -> out.add(AclJson.token(acl, t.value(), t.createIndex(), t.modifyIndex(), secrets)));
    Json.send(res, out);
  }

  private AclState acl() {
    return registry.snapshot().acl();
  }

  /** One snapshot for the whole read, its index in {@code X-Consul-Index} as on every read. */
  private AclState readAt(ServerResponse res) {
    RegistrySnapshot snapshot = registry.snapshot();
    BlockingQuery.headers(res, Math.max(1, snapshot.index()));
    return snapshot.acl();
  }

  private void sendPolicy(ServerResponse res, String id) {
    AclState acl = acl();
    Json.send(res, AclJson.policy(acl, acl.policy(id).orElseThrow(), true));
  }

  /** The token as stored in {@code acl}; 404 when it is gone (deleted meanwhile). */
  private static void sendToken(ServerResponse res, AclState acl, String accessor, boolean secret) {
    Optional<Indexed<AclToken>> stored = acl.token(accessor);
    if (stored.isEmpty() && !accessor.equals(AclToken.ANONYMOUS_ACCESSOR)) {
      throw ApiException.notFound("no ACL token with AccessorID '" + accessor + "'");
    }
    AclToken token = stored.map(Indexed::value).orElseGet(acl::anonymous);
    Json.send(
        res,
        AclJson.token(
            acl,
            token,
            stored.map(Indexed::createIndex).orElse(1L),
            stored.map(Indexed::modifyIndex).orElse(1L),
            secret));
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
