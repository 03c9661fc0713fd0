/**
 * Load drivers for Cairn's performance targets. Each prints its figures and, where a peer runs on
 * the same machine, the ratio to it in the same invocation. Results go to docs/benchmarks.md.
 */
package io.cairn.benchmarks;
