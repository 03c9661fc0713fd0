/**
 * Consul's key/value API ({@code /v1/kv}) and KV transactions ({@code /v1/txn}): the JSON shapes,
 * query parameters and answers Consul clients expect, over the registry's KV state.
 */
package io.cairn.admin.kv;
