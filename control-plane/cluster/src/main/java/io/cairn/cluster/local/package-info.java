/**
 * Runs real etcd members on loopback for development, integration tests and benchmarks: {@link
 * io.cairn.cluster.local.LocalEtcd} starts, kills and restarts them as child processes.
 */
package io.cairn.cluster.local;
