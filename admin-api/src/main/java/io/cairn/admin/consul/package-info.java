/**
 * Registry values as Consul's JSON shows them: agent services, catalog rows, health entries, checks
 * and the node. Cairn is one agentless node, so every instance appears on that node, which always
 * has a passing {@code serfHealth} check; maintenance appears as Consul's {@code
 * _service_maintenance:<id>} critical check.
 */
package io.cairn.admin.consul;
