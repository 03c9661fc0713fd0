/**
 * The mesh's certificate authority: makes roots, cross-signs a new root with the old one for a
 * rotation, and issues leaf certificates carrying a service's SPIFFE ID. Pure functions over the
 * registry's {@link io.cairn.registry.ca.CaSetup}; certificates are built with Bouncy Castle.
 */
package io.cairn.ca;
