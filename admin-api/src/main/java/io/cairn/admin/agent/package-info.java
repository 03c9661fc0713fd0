/**
 * Consul's agent endpoints ({@code /v1/agent}): registering and deregistering services and checks,
 * maintenance mode, TTL heartbeats, and listing what is registered.
 */
package io.cairn.admin.agent;
