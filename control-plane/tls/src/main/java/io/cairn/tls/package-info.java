/**
 * Server TLS from PEM files: a certificate chain and key, optionally a CA bundle that client
 * certificates must chain to (mTLS), re-read when the files change.
 */
package io.cairn.tls;
