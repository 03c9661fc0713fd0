/**
 * Answers, precomputed and served: {@link io.cairn.dns.answer.DnsAnswerTable} holds every record
 * Cairn can answer with, in wire form, built from a registry snapshot and rebuilt per changed
 * service; {@link io.cairn.dns.answer.QueryHandler} turns a query packet into a reply packet with a
 * lookup in it, or for a repeat UDP question copies the reply kept in its {@code ReplyCache}. No
 * sockets here.
 */
package io.cairn.dns.answer;
