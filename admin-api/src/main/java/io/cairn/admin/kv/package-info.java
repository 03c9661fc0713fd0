/**
 * Consul's key/value API ({@code /v1/kv}), KV transactions ({@code /v1/txn}) and sessions ({@code
 * /v1/session}): the JSON shapes, query parameters and answers Consul clients expect, over the
 * registry's KV state.
 */
package io.cairn.admin.kv;
