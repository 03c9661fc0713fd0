/** Cairn's xDS control plane: registry snapshots translated into Envoy resources for ADS. */
package io.cairn.xds;
