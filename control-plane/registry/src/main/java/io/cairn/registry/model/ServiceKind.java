package io.cairn.registry.model;

/** What an instance is: a plain service, or a connect-proxy sidecar in front of one. */
public sealed interface ServiceKind permits PlainService, ConnectProxy {
  /** The plain-service kind; every plain instance shares it. */
  ServiceKind PLAIN = new PlainService();
}
