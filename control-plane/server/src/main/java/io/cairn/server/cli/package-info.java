/**
 * The {@code cairn} command-line client: thin commands over the admin API (services, health,
 * register, maintenance, TTL checks, config entries, intentions), printing tables or JSON.
 */
package io.cairn.server.cli;
