/**
 * ACLs in the HTTP API: the filter that resolves each request's token, the per-request view
 * handlers ask ({@link io.cairn.admin.acl.RequestAcl}), and {@code /v1/acl} for policies and
 * tokens.
 */
package io.cairn.admin.acl;
