/** The xDS gRPC server: ADS (state of the world and delta) fed from the registry's snapshots. */
package io.cairn.xds.server;
