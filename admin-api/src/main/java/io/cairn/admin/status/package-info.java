/**
 * Operational endpoints: Consul's {@code /v1/status} (so clients' leader probes pass), Cairn's
 * {@code /health} for liveness and readiness, and Prometheus metrics.
 */
package io.cairn.admin.status;
