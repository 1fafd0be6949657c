/**
 * The Ratis glue: runs the pure core ({@link io.raftvip.coordinator.core}) as an Apache Ratis 3.2.2
 * replicated state machine.
 *
 * <ul>
 *   <li>{@link io.raftvip.coordinator.ratis.LogCodec}: core values to and from the {@code
 *       raftvip.log.v1} protobuf (log entries, replies, snapshots, queries). Pure.
 *   <li>{@link io.raftvip.coordinator.ratis.VipStateMachine}: the Ratis {@code StateMachine}
 *       (validate in startTransaction, apply, query, MD5-checked snapshots).
 *   <li>{@link io.raftvip.coordinator.ratis.RaftNode}: one member (server + bounded client),
 *       configured from {@link io.raftvip.coordinator.ratis.RaftSettings}; typed failures in {@link
 *       io.raftvip.coordinator.ratis.RaftNodeException}; role facts for the lease service in {@link
 *       io.raftvip.coordinator.ratis.RoleInfo}.
 *   <li>{@link io.raftvip.coordinator.ratis.StateListener}: events for the rest of the node.
 * </ul>
 *
 * <p>Owns: the Ratis server, client, storage layout and snapshot files of one node; the meaning of
 * "no quorum" versus "timeout" for callers.
 *
 * <p>Must not touch: the meaning of commands (that is {@code core.Transitions}), netio, clocks for
 * leases. Nothing here performs a VIP effect.
 *
 * <p>Thread rules: Ratis calls the state machine on its own threads; apply and snapshots run on one
 * thread in log order, startTransaction and query concurrently with them, and they share only an
 * atomically swapped immutable state. No callback blocks or calls a listener: events are queued
 * (never blocking, bounded) to one thread per node, {@code raftvip-sm-events-<node>}. RaftNode's
 * blocking Ratis calls run on its own bounded call pool ({@code raftvip-raft-call-<node>-<n>});
 * every call has a deadline and the client's retries end at it.
 */
package io.raftvip.coordinator.ratis;
