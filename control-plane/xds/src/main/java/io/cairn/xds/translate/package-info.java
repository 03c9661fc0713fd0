/**
 * Pure translation from registry values to Envoy v3 resources, one translator per resource type:
 * values in, protos out, no I/O and no shared state.
 */
package io.cairn.xds.translate;
