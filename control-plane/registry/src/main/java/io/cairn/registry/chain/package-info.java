/**
 * Consul's discovery chain: {@link io.cairn.registry.chain.ChainCompiler} turns a service's router,
 * splitters and resolvers (its own and those of the services it leads to) into a {@link
 * io.cairn.registry.chain.CompiledChain} of routes, splits and resolved targets with failover.
 */
package io.cairn.registry.chain;
