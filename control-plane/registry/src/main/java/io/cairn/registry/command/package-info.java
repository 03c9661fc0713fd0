/**
 * The writes the registry accepts. Every change to registry state is one of these commands, applied
 * in order by the single writer; each that changes something gets its own index.
 */
package io.cairn.registry.command;
