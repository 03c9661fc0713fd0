package io.cairn.xds.pgv;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.grpc.xds.GrpcJavaResourceTypes;
import io.grpc.xds.client.GrpcJavaParser;
import io.grpc.xds.client.XdsResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a proxyless gRPC client rejects: grpc-java's own xDS parsers (the code behind its NACKs,
 * gRFCs A27, A28, A31, A32, A37, A42, A44, A48, A50) run on a resource, plus what grpc-go rejects
 * and grpc-java accepts (a retry policy with {@code num_retries} 0, A44). Applies only to resources
 * meant for proxyless clients; Envoy-only resources (sidecar listeners) are not gRPC's.
 */
public final class GrpcJavaRules {
  private static final Map<String, XdsResourceType<?>> TYPES = GrpcJavaResourceTypes.byTypeUrl();

  private GrpcJavaRules() {}

  /** The errors a grpc-java client would NACK {@code resource} with; empty if it accepts it. */
  public static List<String> violations(Message resource) {
    Any any = Any.pack(resource);
    XdsResourceType<?> type = TYPES.get(any.getTypeUrl());
    if (type == null) {
      return List.of(any.getTypeUrl() + " is not a type gRPC clients subscribe to");
    }
    List<String> errors = new ArrayList<>(GrpcJavaParser.errors(type, any));
    if (resource instanceof RouteConfiguration routes) {
      for (VirtualHost host : routes.getVirtualHostsList()) {
        for (Route route : host.getRoutesList()) {
          RetryPolicy retry = route.getRoute().getRetryPolicy();
          if (route.getRoute().hasRetryPolicy()
              && retry.hasNumRetries()
              && retry.getNumRetries().getValue() == 0) {
            errors.add(
                "route "
                    + route.getMatch()
                    + " retry_policy.num_retries is 0: grpc-go rejects the RouteConfiguration"
                    + " (A44)");
          }
        }
      }
    }
    return errors;
  }
}
