/**
 * The {@code cairn} command-line client: thin commands over the admin API (services, instances,
 * register, maintenance, TTL checks, config entries, traffic splits, intentions, xDS proxies, KV,
 * locks), printing tables or JSON; bulk writes report progress on stderr; {@code connect certs}
 * keeps a service's mesh certificate files current.
 */
package io.cairn.server.cli;
