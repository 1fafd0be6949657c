package io.raftvip.bench.failover;

/**
 * The figures of one trial, in ms from the fault (-1: did not happen within the observation).
 *
 * @param outageMs longest run of unanswered UDP probes through the client's stack
 * @param takeoverMs fault until the VIP is configured and unfenced on another node (kernel view)
 * @param firstAnswerMs fault until the first UDP answer from the new node
 * @param oldSilentMs fault until the last directed answer from the old owner while the fault
 *     lasted; -1 when it still answered at the fault's end ("never")
 * @param oldDropsMs fault until the VIP left the old owner's kernel while the fault lasted; -1
 *     never
 * @param overlapMs two or more nodes answering for the VIP in one round (directed or ARP), summed
 * @param overlapRounds such rounds
 * @param configuredOverlapMs the VIP configured on two nodes at once (kernel view; may be fenced)
 * @param allMovedMs mass failover: fault until every VIP is configured on the other nodes
 * @param cpuPercent the daemons' CPU (all nodes) from the fault to the end of the observation, in
 *     percent of one core
 */
record TrialResult(
    String system,
    Scenario scenario,
    int trial,
    boolean ok,
    String note,
    int oldNode,
    int newNode,
    double outageMs,
    double takeoverMs,
    double firstAnswerMs,
    double oldSilentMs,
    double oldDropsMs,
    double overlapMs,
    int overlapRounds,
    double configuredOverlapMs,
    int udpFlaps,
    int arpFlaps,
    double allMovedMs,
    double cpuPercent,
    double loadAverage) {}
