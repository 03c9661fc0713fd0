/**
 * The {@code cairn} command-line client: thin commands over the admin API (services, instances,
 * register, maintenance, TTL checks, config entries, traffic splits, intentions, xDS proxies),
 * printing tables or JSON; bulk writes report progress on stderr.
 */
package io.cairn.server.cli;
