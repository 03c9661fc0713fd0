/**
 * Cairn's Consul-compatible HTTP API on Helidon SE: {@link io.cairn.admin.AdminApi} builds the
 * routing (one {@code HttpService} per resource) and runs the server.
 */
package io.cairn.admin;
