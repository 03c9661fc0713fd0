/**
 * Sockets: a few platform threads receive and answer UDP, a virtual thread per TCP connection with
 * an idle timeout and a connection cap, and a forwarder to recursors. Replies come from {@link
 * io.cairn.dns.answer.QueryHandler}; nothing here reads a record.
 */
package io.cairn.dns.net;
