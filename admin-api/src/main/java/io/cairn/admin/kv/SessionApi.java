package io.cairn.admin.kv;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.acl.Access;
import io.cairn.registry.command.CreateSession;
import io.cairn.registry.command.DestroySession;
import io.cairn.registry.command.RenewSession;
import io.cairn.registry.kv.Session;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.Problems;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * {@code /v1/session}: Consul's sessions. Create, destroy, renew; read one, those of a node, or
 * all, with blocking queries on the sessions. ACLs: {@code session:write} on the node to create,
 * destroy and renew; reads leave out sessions of nodes the token may not read.
 */
public final class SessionApi implements HttpService {
  private static final ToLongFunction<RegistrySnapshot> INDEX = s -> s.kv().sessionIndex();
  private final Registry registry;
  private final String node;

  /**
   * @param node the name of Cairn's node, the only one sessions can belong to
   */
  public SessionApi(Registry registry, String node) {
    this.registry = registry;
    this.node = node;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .put("/create", this::create)
        .put("/destroy/{id}", this::destroy)
        .put("/renew/{id}", this::renew)
        .get("/info/{id}", this::info)
        .get("/node/{node}", this::ofNode)
        .get("/list", this::list);
  }

  private void create(ServerRequest req, ServerResponse res) {
    var body = req.content().hasEntity() ? Json.body(req) : JsonNodeFactory.instance.objectNode();
    Problems p = new Problems();
    Session session =
        SessionJson.decode(body, UUID.randomUUID().toString(), node, System.currentTimeMillis(), p);
    p.throwIfAny();
    RequestAcl.of(req).requireSession(session.node(), Access.WRITE);
    registry.apply(new CreateSession(session));
    Json.send(res, Map.of("ID", session.id()));
  }

  private void destroy(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    RequestAcl.of(req).requireSession(nodeOf(id), Access.WRITE);
    registry.apply(DestroySession.of(id));
    Json.send(res, true);
  }

  private void renew(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    RequestAcl.of(req).requireSession(nodeOf(id), Access.WRITE);
    registry.apply(new RenewSession(id, System.currentTimeMillis()));
    RegistrySnapshot s = registry.snapshot();
    Json.send(res, s.kv().session(id).map(SessionJson::encode).map(List::of).orElse(List.of()));
  }

  private void info(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    send(req, res, e -> e.value().id().equals(id));
  }

  private void ofNode(ServerRequest req, ServerResponse res) {
    String of = req.path().pathParameters().get("node");
    send(req, res, e -> e.value().node().equals(of));
  }

  private void list(ServerRequest req, ServerResponse res) {
    send(req, res, e -> true);
  }

  private void send(ServerRequest req, ServerResponse res, Predicate<Indexed<Session>> which) {
    RequestAcl acl = RequestAcl.of(req);
    RegistrySnapshot s = BlockingQuery.await(req, registry, INDEX);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Indexed<Session> e : s.kv().sessions().values()) {
      if (!which.test(e)) {
        continue;
      }
      if (acl.canReadSession(e.value().node())) {
        out.add(SessionJson.encode(e));
      } else {
        RequestAcl.filtered(res);
      }
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, INDEX));
    Json.send(res, out);
  }

  /** The node a session belongs to; ours for an unknown one, whose ACL check is then the same. */
  private String nodeOf(String id) {
    return registry.snapshot().kv().session(id).map(e -> e.value().node()).orElse(node);
  }
}
