/**
 * The DNS wire format as Cairn needs it on the hot path: {@link io.cairn.dns.wire.QueryParser}
 * reads a query without trusting any of its bytes, {@link io.cairn.dns.wire.ResponseWriter}
 * assembles a reply from precomputed records within a size limit, {@link
 * io.cairn.dns.wire.QuestionKey} reads a plain query's cache key in place.
 */
package io.cairn.dns.wire;
