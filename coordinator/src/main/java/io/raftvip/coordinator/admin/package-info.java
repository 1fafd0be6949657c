/**
 * The admin API ({@code raftvip.admin.v1}) served by any node: {@link AdminService} maps requests
 * onto the embedded {@link io.raftvip.coordinator.api.RaftVipNode} (writes go through Raft to the
 * leader; reads answer from this node's applied state), {@link AdminMapping} converts between the
 * protobuf messages and the core's types and turns bad fields into INVALID_ARGUMENT naming the
 * field, {@link AdminStatus} maps failures onto gRPC status codes, {@link AdminEventLog} keeps the
 * recent events for WatchEvents, and {@link BearerTokenInterceptor} checks the optional token.
 *
 * <p>Threads: gRPC calls run on the server's executor and never block on Raft (futures complete the
 * call); {@link AdminEventLog} is fed on the state machine's event thread and only appends and
 * hands messages to gRPC's non-blocking stream observers.
 */
package io.raftvip.coordinator.admin;
