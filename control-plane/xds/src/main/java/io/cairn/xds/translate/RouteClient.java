package io.cairn.xds.translate;

/**
 * Who reads a RouteConfiguration: it decides the retry conditions (gRPC knows only status names)
 * and which timeout field carries the request timeout (gRPC reads {@code max_stream_duration}).
 */
public enum RouteClient {
  /** An Envoy sidecar's outbound listener. */
  ENVOY,
  /** A proxyless gRPC client (grpc-java, grpc-go, grpc-js-xds, C-core). */
  GRPC
}
