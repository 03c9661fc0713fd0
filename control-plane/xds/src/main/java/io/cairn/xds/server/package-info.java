/**
 * The xDS gRPC server: ADS (state of the world and delta) fed from the registry's snapshots, and,
 * with ACLs on, the token checks and per-token filtering of its streams.
 */
package io.cairn.xds.server;
