/**
 * Consul's intentions API ({@code /v1/connect/intentions}) on top of service-intentions config
 * entries: each source-destination pair is one intention; check and match evaluate them by
 * precedence.
 */
package io.cairn.admin.intentions;
