package io.cairn.registry.model;

/** How a check decides its status: probing the instance, or waiting for TTL heartbeats. */
public sealed interface CheckDefinition permits ProbeCheck, TtlCheck {}
