/**
 * ACLs: policies (Consul's rule language), tokens that link them, the authorizer a token resolves
 * to, and the resolver every front end asks. Policies and tokens are registry state, written
 * through the single writer and stored like everything else.
 */
package io.cairn.registry.acl;
