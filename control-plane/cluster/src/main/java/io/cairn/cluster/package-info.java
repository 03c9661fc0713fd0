/**
 * Clustering on etcd: several Cairn replicas share one registry. {@link io.cairn.cluster.EtcdStore}
 * is the shared store (conditional transactions, a watch in revision order); {@link
 * io.cairn.cluster.ReplicaMembership} keeps each live replica under a leased key and hands each
 * health check to one live replica by rendezvous hashing; {@link io.cairn.cluster.TtlHeartbeats}
 * carries TTL reports to the replica that owns the check; {@link io.cairn.cluster.EtcdCluster}
 * wires them for the server.
 */
package io.cairn.cluster;
