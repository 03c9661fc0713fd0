/**
 * Cairn's own health checking: a scheduler that probes instances over HTTP, TCP and gRPC, expires
 * TTL checks, reaps instances critical for too long, and writes status changes through the
 * registry's single writer.
 */
package io.cairn.health;
