/**
 * Consul Connect's CA endpoints: roots, leaf certificates for services, authorization of a client
 * certificate by intentions, and the CA configuration with root rotation.
 */
package io.cairn.admin.connect;
