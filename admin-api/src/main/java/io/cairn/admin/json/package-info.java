/**
 * Reading Consul-style JSON: field names match whatever their case or underscores (as Consul
 * accepts {@code ID}, {@code id}, {@code service_subset}), every type problem is collected with its
 * path, and durations use Go's syntax ({@code 10s}, {@code 1m30s}).
 */
package io.cairn.admin.json;
