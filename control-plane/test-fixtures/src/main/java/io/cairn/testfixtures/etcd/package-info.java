/**
 * Runs real etcd members on loopback for integration tests and benchmarks (test code, not shipped):
 * {@link io.cairn.testfixtures.etcd.LocalEtcd} starts, kills and restarts them as child processes.
 */
package io.cairn.testfixtures.etcd;
