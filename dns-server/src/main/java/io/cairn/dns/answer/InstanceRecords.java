package io.cairn.dns.answer;

/**
 * One healthy instance's records in one domain, each in wire form.
 *
 * @param weight its weight for its health status (at least 1), for SRV and for ordering
 * @param address its A or AAAA record, or a CNAME to its hostname, owned by the question's name;
 *     instances with the same address share one array
 * @param srv its SRV record owned by the question's name: priority 1, weight, port, target
 * @param target the A or AAAA record of the SRV target for the additional section, empty for a
 *     hostname; instances with the same address share one array
 */
record InstanceRecords(int weight, byte[] address, byte[] srv, byte[] target) {}
