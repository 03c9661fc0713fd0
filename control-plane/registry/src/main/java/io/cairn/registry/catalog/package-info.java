/**
 * Nodes other than Cairn's own, registered through Consul's catalog API (external services): the
 * node, its services and the checks whose status the registering client reports. Registry state
 * like the rest, through the single writer, stored and replicated; Cairn probes none of it.
 */
package io.cairn.registry.catalog;
