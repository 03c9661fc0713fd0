/**
 * Config entries that shape traffic, modelled on Consul's: service-defaults (protocol),
 * service-resolver (subsets, failover), service-splitter (weighted splits), service-router (L7
 * matches) and service-intentions (who may call whom). {@link io.cairn.registry.config.ConfigGraph}
 * checks the references between entries.
 */
package io.cairn.registry.config;
