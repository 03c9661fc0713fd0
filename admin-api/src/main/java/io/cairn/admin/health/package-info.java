/**
 * Consul's health endpoints ({@code /v1/health}): the instances of a service with their checks,
 * filtered to healthy ones with {@code ?passing}, and checks by service or by state.
 */
package io.cairn.admin.health;
