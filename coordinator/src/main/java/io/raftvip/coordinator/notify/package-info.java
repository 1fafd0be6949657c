/**
 * Operator notify scripts on ownership events: {@link io.raftvip.coordinator.notify.NotifyHooks}, a
 * {@code RaftVipNode.Listener} that runs a configured command per event kind with the arguments
 * {@code <event> <vip> <epoch>}.
 *
 * <p>Owns: one named daemon thread ({@code raftvip-notify}) with a bounded queue, and the script
 * processes it starts (killed by PID, with their descendants, on timeout and on close). Must not
 * touch: the data plane, Ratis, the replicated state. Scripts are told, never asked: nothing waits
 * for them, and their exit codes are only logged.
 *
 * <p>Thread rules: {@code onEvent} runs on the reconciler thread and only enqueues (never blocks; a
 * full queue drops the event with a log line). Scripts run one at a time on the notify thread in
 * event order. {@code close()} may be called on any thread.
 */
package io.raftvip.coordinator.notify;
