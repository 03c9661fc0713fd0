/**
 * The cairn process: {@link io.cairn.server.Main} reads the settings, {@link
 * io.cairn.server.CairnServer} wires the store, the registry and the front ends and stops them in
 * reverse order on SIGTERM.
 */
package io.cairn.server;
