package io.cairn.registry.model;

/** An ordinary service instance; Consul's empty {@code Kind}. */
public record PlainService() implements ServiceKind {}
