package io.cairn.registry.model;

/**
 * What an instance is: a plain service, a Connect-native service (which speaks mTLS itself), or a
 * connect-proxy sidecar in front of one. A proxy is never native: the variants exclude each other.
 */
public sealed interface ServiceKind permits PlainService, ConnectNative, ConnectProxy {
  /** The plain-service kind; every plain instance shares it. */
  ServiceKind PLAIN = new PlainService();

  /** The Connect-native kind; every native instance shares it. */
  ServiceKind NATIVE = new ConnectNative();
}
