package io.cairn.xds.server;

import com.google.protobuf.Message;
import io.cairn.xds.translate.ServerListenerTranslator;
import io.cairn.xds.translate.ServerListenerTranslator.ListeningAddress;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Serves the Listeners proxyless gRPC servers ask for (gRFC A36), whose names carry the address
 * they listen on: {@code grpc/server?xds.resource.listening_address=<ip>:<port>}. A group's
 * snapshot holds one template per server's service ({@link ServerListenerTranslator#TEMPLATE});
 * each such name is asked of the cache as the template, and the template is sent back under each
 * name asked for, at its address (grpc-java checks that the two agree). A group with no template (a
 * node that names no registered service) has none of them: they are answered as absent, and the
 * server does not serve. State of the world only: a delta request for such a name finds none.
 */
final class ServerListenerNames extends ForwardingWatcher {
  ServerListenerNames(ConfigWatcher cache) {
    super(cache);
  }

  @Override
  public Watch createWatch(
      boolean ads,
      XdsRequest request,
      Set<String> knownResourceNames,
      Consumer<Response> responseConsumer,
      boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    if (request.getResourceType() != ResourceType.LISTENER) {
      return super.createWatch(
          ads,
          request,
          knownResourceNames,
          responseConsumer,
          hasClusterChanged,
          allowDefaultEmptyEdsUpdate);
    }
    Map<String, ListeningAddress> servers = new LinkedHashMap<>();
    List<String> others = new ArrayList<>();
    for (String name : request.getResourceNamesList()) {
      Optional<ListeningAddress> address = ServerListenerTranslator.address(name);
      if (address.isPresent()) {
        servers.put(name, address.get());
      } else if (!name.equals(ServerListenerTranslator.TEMPLATE)) {
        others.add(name);
      }
    }
    if (servers.isEmpty() && others.size() == request.getResourceNamesList().size()) {
      return super.createWatch(
          ads,
          request,
          knownResourceNames,
          responseConsumer,
          hasClusterChanged,
          allowDefaultEmptyEdsUpdate);
    }
    List<String> asked = new ArrayList<>(others);
    Set<String> known = new HashSet<>(knownResourceNames);
    if (!servers.isEmpty()) {
      asked.add(ServerListenerTranslator.TEMPLATE);
      if (known.removeAll(servers.keySet())) {
        known.add(ServerListenerTranslator.TEMPLATE);
      }
    }
    XdsRequest templated =
        XdsRequest.create(
            request.v3Request().toBuilder()
                .clearResourceNames()
                .addAllResourceNames(asked)
                .build());
    return super.createWatch(
        ads,
        templated,
        known,
        response -> responseConsumer.accept(named(request, response, servers)),
        hasClusterChanged,
        allowDefaultEmptyEdsUpdate);
  }

  /** The response with the template sent under each server name asked for, and never as itself. */
  private static Response named(
      XdsRequest request, Response response, Map<String, ListeningAddress> servers) {
    List<Message> out = new ArrayList<>(response.resources().size() + servers.size());
    for (Message m : response.resources()) {
      if (m instanceof Listener l && l.getName().equals(ServerListenerTranslator.TEMPLATE)) {
        servers.forEach((name, at) -> out.add(ServerListenerTranslator.named(l, name, at)));
      } else {
        out.add(m);
      }
    }
    return Response.create(request, out, response.version());
  }
}
