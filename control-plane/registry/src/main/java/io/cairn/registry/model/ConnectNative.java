package io.cairn.registry.model;

/**
 * A service that speaks Connect's mutual TLS itself, with its own leaf certificate and no sidecar:
 * Consul's {@code "Connect": {"Native": true}} on a typical (empty {@code Kind}) service. Proxyless
 * gRPC clients that opt in dial it over mTLS.
 */
public record ConnectNative() implements ServiceKind {}
