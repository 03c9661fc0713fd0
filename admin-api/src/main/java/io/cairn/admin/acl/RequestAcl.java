package io.cairn.admin.acl;

import io.cairn.admin.http.ApiException;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.acl.Access;
import io.cairn.registry.acl.Authorizer;
import io.helidon.http.Header;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Objects;

/**
 * What the token of one request may do, as handlers ask it: {@code require...} throws a 403 in
 * Consul's words; {@code can...} is for filtering lists, which (as in Consul) leave out what the
 * token may not read rather than failing, and say so in {@code X-Consul-Results-Filtered-By-ACLs}.
 */
public final class RequestAcl {
  /** Requests on a server without ACLs, and requests routed around the filter. */
  static final RequestAcl OPEN = new RequestAcl(Authorizer.ALLOW_ALL, "");

  private static final Header FILTERED =
      HeaderValues.createCached("X-Consul-Results-Filtered-By-ACLs", "true");

  private final Authorizer authorizer;
  private final String accessorId;

  RequestAcl(Authorizer authorizer, String accessorId) {
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.accessorId = Objects.requireNonNull(accessorId, "accessorId");
  }

  /** The request's ACL view, put there by {@link AclFilter}. */
  public static RequestAcl of(ServerRequest req) {
    return req.context().get(RequestAcl.class).orElse(OPEN);
  }

  /** The accessor id of the token presented: the anonymous token's when none was. */
  public String accessorId() {
    return accessorId;
  }

  public Authorizer authorizer() {
    return authorizer;
  }

  public boolean canReadService(String name) {
    return authorizer.service(name).allows(Access.READ);
  }

  public boolean canReadIntentions(String destination) {
    return authorizer.intentions(destination).allows(Access.READ);
  }

  public boolean canReadNode(String name) {
    return authorizer.node(name).allows(Access.READ);
  }

  public boolean canReadKey(String key) {
    return authorizer.key(key).allows(Access.READ);
  }

  public void requireKey(String key, Access needed) {
    check(authorizer.key(key), needed, "key", key);
  }

  /** Write on every key under {@code prefix}, what a recursive delete needs. */
  public void requireKeyWritePrefix(String prefix) {
    check(
        authorizer.keyWritePrefix(prefix) ? Access.WRITE : Access.DENY,
        Access.WRITE,
        "key",
        prefix);
  }

  public boolean canReadSession(String node) {
    return authorizer.session(node).allows(Access.READ);
  }

  public void requireSession(String node, Access needed) {
    check(authorizer.session(node), needed, "session", node);
  }

  public void requireService(String name, Access needed) {
    check(authorizer.service(name), needed, "service", name);
  }

  public void requireIntentions(String destination, Access needed) {
    check(authorizer.intentions(destination), needed, "intentions", destination);
  }

  public void requireNode(String name, Access needed) {
    check(authorizer.node(name), needed, "node", name);
  }

  public void requireAgent(String node, Access needed) {
    check(authorizer.agent(node), needed, "agent", node);
  }

  public void requireOperator(Access needed) {
    check(authorizer.operator(), needed, "operator", "");
  }

  public void requireMesh(Access needed) {
    check(authorizer.mesh(), needed, "mesh", "");
  }

  public void requireAcl(Access needed) {
    check(authorizer.acl(), needed, "acl", "");
  }

  /**
   * A service's config entry: write (or read) on the service, or the same on the whole mesh, as
   * Consul allows for service-defaults, resolvers, splitters and routers.
   */
  public void requireServiceConfig(String name, Access needed) {
    if (!authorizer.mesh().allows(needed)) {
      requireService(name, needed);
    }
  }

  public boolean canReadServiceConfig(String name) {
    return authorizer.mesh().allows(Access.READ) || canReadService(name);
  }

  /**
   * Whether the token may read service {@code name} of {@code snapshot}. A service it may not read
   * looks empty, as in Consul, and the response is marked filtered when that hid instances.
   */
  public boolean readsService(RegistrySnapshot snapshot, String name, ServerResponse res) {
    boolean readable = canReadService(name);
    if (!readable && !snapshot.instancesOf(name).isEmpty()) {
      filtered(res);
    }
    return readable;
  }

  /** Marks a list response that left something out. */
  public static void filtered(ServerResponse res) {
    res.header(FILTERED);
  }

  private void check(Access granted, Access needed, String resource, String name) {
    if (granted.allows(needed)) {
      return;
    }
    throw new ApiException(
        403,
        "Permission denied: token with AccessorID '"
            + accessorId
            + "' lacks permission '"
            + resource
            + ":"
            + needed.text()
            + "'"
            + (name.isEmpty() ? "" : " on \"" + name + "\""));
  }
}
