package io.cairn.xds.server;

import io.cairn.registry.acl.AclResolver;
import io.cairn.registry.acl.AclResolver.Resolution;
import io.cairn.registry.acl.AclState;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Context;
import io.grpc.Status;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One xDS call under ACLs: the token it presented, the node it said it is, what the token resolves
 * to now, and whether the call was served under rights other than those of the last review (then
 * its client may hold what it may no longer see, or lack what it now may). Lives in the call's gRPC
 * {@link Context}, so the library's callbacks and the watcher, running inside the call, find it.
 * The secret is never logged: {@link #toString} leaves it out.
 */
final class AclStream {
  static final Context.Key<AclStream> KEY = Context.key("cairn-xds-acl-stream");

  /**
   * What the token resolved to against one ACL state.
   *
   * @param state the ACL state read before resolving (the resolver may have seen a newer one)
   * @param label names the state and the token in response versions, see {@link AclWatcher}
   */
  record View(AclState state, Resolution resolution, String label) {}

  private final Optional<String> secret;
  private final Consumer<Status> end;
  private volatile Node node = Node.getDefaultInstance();
  private volatile View view;
  // The rights at the stream's start or its last review, and whether a response used others.
  private volatile Resolution reviewed;
  private volatile boolean servedOther;

  /**
   * @param end closes the call with a status, from any thread
   */
  AclStream(Optional<String> secret, View first, Consumer<Status> end) {
    this.secret = Objects.requireNonNull(secret, "secret");
    this.view = Objects.requireNonNull(first, "first");
    this.reviewed = first.resolution();
    this.end = Objects.requireNonNull(end, "end");
  }

  /** The stream of the call running on this thread; empty outside any call. */
  static Optional<AclStream> current() {
    return Optional.ofNullable(KEY.get());
  }

  Optional<String> secret() {
    return secret;
  }

  Node node() {
    return node;
  }

  /** Requests carry the node (Envoy sends it on the first at least); the latest is kept. */
  void node(Node node) {
    this.node = node;
  }

  /** What the token may do under {@code state}, resolved again only when the state changed. */
  View view(AclState state, AclResolver resolver, AclLabels labels) {
    View v = view;
    if (v.state() != state) {
      Resolution r = resolver.resolve(secret);
      v = new View(state, r, labels.label(state, r));
      view = v;
    }
    return v;
  }

  /** A response went out under {@code rights}. */
  void served(Resolution rights) {
    if (!same(reviewed, rights)) {
      servedOther = true;
    }
  }

  /**
   * After ACLs changed, with what the token resolves to now: whether the stream must end, because
   * its rights changed or it was served under other rights since the last review.
   */
  boolean mustEnd(Resolution now) {
    if (servedOther || !same(reviewed, now)) {
      return true;
    }
    reviewed = now;
    return false;
  }

  /** Whether both grant the same rights (a token that is gone grants none). */
  private static boolean same(Resolution a, Resolution b) {
    return a instanceof Resolution.Granted ga
        && b instanceof Resolution.Granted gb
        && ga.authorizer().equals(gb.authorizer());
  }

  void end(Status status) {
    end.accept(status);
  }

  @Override
  public String toString() {
    return "AclStream[node="
        + node.getId()
        + ", token="
        + (secret.isPresent() ? "(set)" : "(none)")
        + "]";
  }
}
