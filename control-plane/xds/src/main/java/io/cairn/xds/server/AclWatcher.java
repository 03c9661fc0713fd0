package io.cairn.xds.server;

import com.google.protobuf.Message;
import io.cairn.registry.acl.Access;
import io.cairn.registry.acl.AclResolver.Resolution;
import io.cairn.registry.acl.Authorizer;
import io.cairn.xds.translate.ServerListenerTranslator;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The cache as one token sees it: every response leaves out the resources whose service the
 * stream's token cannot read. The token is taken from the call when the watch is made (the library
 * makes watches inside the call), and resolved when the response goes out, so a push after an ACL
 * change already follows the new rules.
 *
 * <p>Filtered state-of-the-world responses carry a version with a label of the ACLs and the token
 * ({@code <version>/acl:<label>}); a request whose version has the current label is handed on
 * without it, so the cache sees the version it sent. A client that reconnects after its rights
 * changed presents an older label, which the cache takes for a stale version, and is sent its
 * resources again, filtered under its new rights; with the plain version it would be told it is up
 * to date. Delta responses name the resources left out as removed, so a client drops what it may no
 * longer see.
 */
final class AclWatcher implements ConfigWatcher {
  static final String LABEL = "/acl:";

  private final ConfigWatcher cache;
  private final AclGate gate;

  AclWatcher(ConfigWatcher cache, AclGate gate) {
    this.cache = cache;
    this.gate = gate;
  }

  @Override
  public Watch createWatch(
      boolean ads,
      XdsRequest request,
      Set<String> knownResourceNames,
      Consumer<Response> responseConsumer,
      boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    AclStream stream = stream();
    AclStream.View view = gate.view(stream);
    return cache.createWatch(
        ads,
        unlabelled(request, view.label()),
        withUnreadable(knownResourceNames, request.getResourceNamesList(), view, stream, request),
        r -> responseConsumer.accept(filtered(stream, r)),
        hasClusterChanged,
        allowDefaultEmptyEdsUpdate);
  }

  @Override
  public DeltaWatch createDeltaWatch(
      DeltaXdsRequest request,
      String requesterVersion,
      Map<String, String> resourceVersions,
      Set<String> pendingResources,
      boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer,
      boolean hasClusterChanged) {
    AclStream stream = stream();
    Set<String> pending = pendingResources;
    ResourceType type = request.getResourceType();
    if (type != null && !pending.isEmpty()) {
      // The cache answers pending names at once; one the token cannot read would be answered
      // (and left out) again after every ACK.
      Predicate<String> readable = readable(gate.view(stream), stream, type);
      pending = pending.stream().filter(readable).collect(Collectors.toSet());
    }
    return cache.createDeltaWatch(
        request,
        requesterVersion,
        resourceVersions,
        pending,
        isWildcard,
        r -> responseConsumer.accept(filtered(stream, r)),
        hasClusterChanged);
  }

  /** The call's stream; outside a call (never, with ACLs on) a stream without a token. */
  private AclStream stream() {
    return AclStream.current()
        .orElseGet(
            () -> {
              Optional<String> none = Optional.empty();
              return new AclStream(none, gate.firstView(none), status -> {});
            });
  }

  /**
   * The names the client knows, plus those it asked for but may not read. The cache answers at once
   * when a request names a resource the client does not know yet; without this, a name the token
   * cannot read would be answered (and left out) again after every ACK.
   */
  private Set<String> withUnreadable(
      Set<String> known,
      List<String> requested,
      AclStream.View view,
      AclStream stream,
      XdsRequest request) {
    ResourceType type = request.getResourceType();
    if (type == null || requested.isEmpty()) {
      return known;
    }
    Predicate<String> readable = readable(view, stream, type);
    Set<String> out = null;
    for (String name : requested) {
      if (!known.contains(name) && !readable.test(name)) {
        if (out == null) {
          out = new HashSet<>(known);
        }
        out.add(name);
      }
    }
    return out == null ? known : out;
  }

  private static XdsRequest unlabelled(XdsRequest request, String label) {
    String version = request.getVersionInfo();
    String current = LABEL + label;
    if (!version.endsWith(current)) {
      return request; // no label, or an older one: the cache sees a version it never sent
    }
    String plain = version.substring(0, version.length() - current.length());
    return XdsRequest.create(request.v3Request().toBuilder().setVersionInfo(plain).build());
  }

  private Response filtered(AclStream stream, Response response) {
    AclStream.View view = gate.view(stream);
    stream.served(view.resolution());
    String version = response.version() + LABEL + view.label();
    ResourceType type = response.request().getResourceType();
    Predicate<String> readable = readable(view, stream, type);
    List<Message> kept = new ArrayList<>(response.resources().size());
    for (Message m : response.resources()) {
      if (readable.test(Resources.getResourceName(m))) {
        kept.add(m);
      }
    }
    return Response.create(response.request(), kept, version);
  }

  private DeltaResponse filtered(AclStream stream, DeltaResponse response) {
    AclStream.View view = gate.view(stream);
    stream.served(view.resolution());
    Predicate<String> readable = readable(view, stream, response.request().getResourceType());
    Map<String, VersionedResource<?>> kept = new HashMap<>();
    List<String> removed = new ArrayList<>(response.removedResources());
    response
        .resources()
        .forEach(
            (name, resource) -> {
              if (readable.test(name)) {
                kept.put(name, resource);
              } else {
                // Harmless if the client never had it; drops it if it had it before.
                removed.add(name);
              }
            });
    return DeltaResponse.create(response.request(), kept, removed, response.version());
  }

  /** Which resource names of {@code type} the stream's token may see now. */
  private Predicate<String> readable(AclStream.View view, AclStream stream, ResourceType type) {
    if (!(view.resolution() instanceof Resolution.Granted granted)) {
      return name -> false; // the token is gone: the stream is about to be ended
    }
    Authorizer authorizer = granted.authorizer();
    if (authorizer == Authorizer.ALLOW_ALL) {
      return name -> true;
    }
    Optional<String> sidecarOf = gate.sidecarOf(stream.node());
    if (sidecarOf.isPresent() && !authorizer.service(sidecarOf.get()).allows(Access.WRITE)) {
      return name -> false; // a sidecar's own configuration needs service:write, as in Consul
    }
    // A proxyless server's Listener is its service's configuration: service:write, as a sidecar's.
    String ownService = stream.node().getCluster();
    boolean serves = !ownService.isEmpty() && authorizer.service(ownService).allows(Access.WRITE);
    return name ->
        type == ResourceType.LISTENER && name.startsWith(ServerListenerTranslator.PREFIX)
            ? serves
            : authorizer.service(ResourceServices.of(type, name, sidecarOf)).allows(Access.READ);
  }
}
