/**
 * Cairn's DNS front end: {@link io.cairn.dns.DnsServer} serves answers precomputed from registry
 * snapshots over UDP and TCP, configured by {@link io.cairn.dns.DnsSettings}.
 */
package io.cairn.dns;
