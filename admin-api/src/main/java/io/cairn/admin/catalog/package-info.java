/** Consul's catalog endpoints ({@code /v1/catalog}): service names with tags, and service rows. */
package io.cairn.admin.catalog;
