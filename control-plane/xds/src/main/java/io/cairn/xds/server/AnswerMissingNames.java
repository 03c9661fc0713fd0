package io.cairn.xds.server;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Answers a state-of-the-world request that names resources the snapshot lacks with those it has.
 *
 * <p>java-control-plane's cache, on an ADS stream, answers nothing while one named resource is
 * missing, and drops the watch when a new snapshot still lacks it: a client that asked for a
 * Listener before its service registered was never sent it, even once it existed. xDS says a
 * missing Listener or Cluster does not exist (clients then fail calls at once instead of waiting
 * for their resource timers) and a missing RouteConfiguration is simply not sent, so those are
 * answered as on a plain stream. Endpoints keep ADS mode, where a missing name is answered with an
 * empty ClusterLoadAssignment (see {@code XdsServer}).
 */
final class AnswerMissingNames extends ForwardingWatcher {
  AnswerMissingNames(ConfigWatcher cache) {
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
    boolean endpoints = request.getResourceType() == ResourceType.ENDPOINT;
    return super.createWatch(
        ads && endpoints,
        request,
        knownResourceNames,
        responseConsumer,
        hasClusterChanged,
        allowDefaultEmptyEdsUpdate);
  }
}
