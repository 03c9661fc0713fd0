package io.cairn.registry.chain;

/** Where a route of a compiled chain sends requests: one resolved target, or weighted splits. */
public sealed interface ChainDestination permits ResolvedTarget, WeightedSplits {}
