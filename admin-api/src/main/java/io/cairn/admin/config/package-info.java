/**
 * Consul's config entries API ({@code /v1/config}) and one JSON translator per kind
 * (proxy-defaults, service-defaults, service-resolver, service-splitter, service-router,
 * service-intentions).
 */
package io.cairn.admin.config;
