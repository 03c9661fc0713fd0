/**
 * The programs of {@code envoy-examples/demo.sh}: {@link io.cairn.demo.DemoServer} (a service that
 * answers with its own name over gRPC and HTTP), {@link io.cairn.demo.ProxylessClient} (grpc-java's
 * xDS resolver against Cairn, counting where its calls went), {@link io.cairn.demo.SidecarRbac}
 * (the inbound RBAC Cairn gives a sidecar, read over ADS as Envoy would), and the mesh over mTLS:
 * {@link io.cairn.demo.MeshServer} and {@link io.cairn.demo.MeshClient} (grpc-java's xDS server and
 * client with xDS credentials) and {@link io.cairn.demo.MeshCalls} (what the client checks).
 */
package io.cairn.demo;
