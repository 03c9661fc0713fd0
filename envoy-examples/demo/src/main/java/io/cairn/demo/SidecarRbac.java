package io.cairn.demo;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The inbound RBAC rules Cairn gives a sidecar, fetched over ADS under the sidecar's node ID (as
 * its Envoy would get them) and put in words: what Envoy would enforce, seen without running Envoy.
 */
final class SidecarRbac {
  static final String LISTENER_TYPE = "type.googleapis.com/envoy.config.listener.v3.Listener";
  private static final String HTTP_RBAC = "envoy.filters.http.rbac";
  private static final String NETWORK_RBAC = "envoy.filters.network.rbac";
  private static final String PUBLIC_LISTENER = "public_listener";

  private SidecarRbac() {}

  /** Every listener Cairn serves to {@code nodeId}: one state-of-the-world LDS response. */
  static List<Listener> listeners(Channel cairn, String nodeId, Duration timeout)
      throws InterruptedException, TimeoutException {
    CompletableFuture<DiscoveryResponse> first = new CompletableFuture<>();
    StreamObserver<DiscoveryRequest> requests =
        AggregatedDiscoveryServiceGrpc.newStub(cairn)
            .streamAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DiscoveryResponse response) {
                    first.complete(response);
                  }

                  @Override
                  public void onError(Throwable t) {
                    first.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    first.completeExceptionally(new IllegalStateException("stream closed"));
                  }
                });
    requests.onNext(
        DiscoveryRequest.newBuilder()
            .setNode(Node.newBuilder().setId(nodeId).setUserAgentName("envoy"))
            .setTypeUrl(LISTENER_TYPE)
            .build());
    try {
      DiscoveryResponse response = first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<Listener> listeners = new ArrayList<>();
      for (Any resource : response.getResourcesList()) {
        listeners.add(resource.unpack(Listener.class));
      }
      return listeners;
    } catch (ExecutionException | InvalidProtocolBufferException e) {
      throw new IllegalStateException("LDS for " + nodeId + " failed: " + e.getMessage(), e);
    } finally {
      requests.onCompleted();
    }
  }

  /** The inbound listener's rules in words, a line each. */
  static List<String> describe(String nodeId, List<Listener> listeners) {
    Optional<Listener> inbound =
        listeners.stream().filter(l -> l.getName().startsWith(PUBLIC_LISTENER)).findFirst();
    if (inbound.isEmpty()) {
      return List.of(nodeId + " has no inbound listener (is it a registered sidecar?)");
    }
    List<String> lines = new ArrayList<>();
    lines.add("inbound RBAC of " + nodeId + " (listener " + inbound.get().getName() + "):");
    Optional<RBAC> rules = rules(inbound.get());
    if (rules.isEmpty()) {
      lines.add("  no RBAC filter: every connection is allowed");
      return lines;
    }
    boolean deny = rules.get().getAction() == RBAC.Action.DENY;
    String verb = deny ? "DENY " : "ALLOW";
    new TreeMap<>(rules.get().getPoliciesMap())
        .forEach(
            (name, policy) -> lines.add("  %s %s   [%s]".formatted(verb, describe(policy), name)));
    lines.add("  anything else: " + (deny ? "allowed" : "denied"));
    return lines;
  }

  private static Optional<RBAC> rules(Listener listener) {
    try {
      for (FilterChain chain : listener.getFilterChainsList()) {
        for (Filter filter : chain.getFiltersList()) {
          if (filter.getName().equals(NETWORK_RBAC)) {
            return Optional.of(
                filter
                    .getTypedConfig()
                    .unpack(io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.class)
                    .getRules());
          }
          if (filter.getTypedConfig().is(HttpConnectionManager.class)) {
            HttpConnectionManager hcm = filter.getTypedConfig().unpack(HttpConnectionManager.class);
            for (HttpFilter http : hcm.getHttpFiltersList()) {
              if (http.getName().equals(HTTP_RBAC)) {
                return Optional.of(
                    http.getTypedConfig()
                        .unpack(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.class)
                        .getRules());
              }
            }
          }
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("unreadable filter in " + listener.getName(), e);
    }
    return Optional.empty();
  }

  private static String describe(Policy policy) {
    List<String> who = new ArrayList<>();
    policy.getPrincipalsList().forEach(p -> who.add(describe(p, false)));
    List<String> what = new ArrayList<>();
    policy.getPermissionsList().forEach(p -> what.add(describe(p)));
    String requests =
        what.equals(List.of("any")) ? "everything" : "requests " + String.join(" or ", what);
    return requests + " from " + String.join(" or ", who);
  }

  private static String describe(Permission permission) {
    return permission.getRuleCase() == Permission.RuleCase.ANY
        ? "any"
        : "matching {" + TextFormat.shortDebugString(permission) + "}";
  }

  /** A principal in words; {@code nested} puts compound ones in parentheses. */
  static String describe(Principal p, boolean nested) {
    String text =
        switch (p.getIdentifierCase()) {
          case ANY -> "anyone";
          case AUTHENTICATED -> identity(p.getAuthenticated());
          case DIRECT_REMOTE_IP -> cidr(p.getDirectRemoteIp());
          case REMOTE_IP -> cidr(p.getRemoteIp());
          case SOURCE_IP -> cidr(p.getSourceIp());
          case NOT_ID ->
              p.getNotId().getIdentifierCase() == Principal.IdentifierCase.ANY
                  ? "nobody"
                  : "not " + describe(p.getNotId(), true);
          case OR_IDS -> join(p.getOrIds().getIdsList(), " or ", nested);
          case AND_IDS -> and(p.getAndIds().getIdsList(), nested);
          default -> "{" + TextFormat.shortDebugString(p) + "}";
        };
    return text;
  }

  private static String and(List<Principal> ids, boolean nested) {
    // Cairn writes "this source unless a higher intention's source" as and(x, not(y)).
    if (ids.size() == 2 && ids.get(1).getIdentifierCase() == Principal.IdentifierCase.NOT_ID) {
      String text = describe(ids.get(0), true) + " except " + describe(ids.get(1).getNotId(), true);
      return nested ? "(" + text + ")" : text;
    }
    return join(ids, " and ", nested);
  }

  private static String join(List<Principal> ids, String separator, boolean nested) {
    List<String> parts = new ArrayList<>();
    ids.forEach(id -> parts.add(describe(id, true)));
    String text = String.join(separator, parts);
    return nested && parts.size() > 1 ? "(" + text + ")" : text;
  }

  // A source as Cairn names it: its SPIFFE ID, any datacenter, one service or any ([^/]+).
  private static final Pattern SPIFFE =
      Pattern.compile("\\^spiffe://(.+)/ns/default/dc/\\[\\^/\\]\\+/svc/(.+)\\$");

  /** A peer known by its certificate: the service its SPIFFE ID names, or any service. */
  private static String identity(Principal.Authenticated peer) {
    Matcher m =
        SPIFFE.matcher(
            peer.getPrincipalName().hasSafeRegex()
                ? peer.getPrincipalName().getSafeRegex().getRegex()
                : "");
    if (!m.matches()) {
      return "{" + TextFormat.shortDebugString(peer) + "}";
    }
    String service = m.group(2);
    return service.equals("[^/]+") ? "any service" : service.replaceAll("\\\\(.)", "$1");
  }

  private static String cidr(CidrRange range) {
    return range.getAddressPrefix() + "/" + range.getPrefixLen().getValue();
  }
}
