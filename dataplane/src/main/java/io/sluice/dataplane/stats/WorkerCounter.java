package io.sluice.dataplane.stats;

/**
 * The counters of one worker, besides the drop reasons. Per-worker, single writer; readers sum them.
 */
public enum WorkerCounter
{
    /** Packets received. */
    RX_PACKETS("rx-packets"),
    /** Bytes received. */
    RX_BYTES("rx-bytes"),
    /** Packets rewritten for a backend. */
    FORWARDED("forwarded"),
    /** Packets answered in place. */
    REPLIED("replied"),
    /** Packets handed to the control plane. */
    PUNTED("punted"),
    /** Packets dropped, all reasons. */
    DROPPED("dropped"),
    /** Packets the NIC accepted for transmission. */
    TX_PACKETS("tx-packets"),
    /** Bytes the NIC accepted for transmission. */
    TX_BYTES("tx-bytes"),
    /** Packets of flows found in the flow table. */
    FLOW_HITS("flow-hits"),
    /** Flows inserted into the flow table. */
    FLOW_NEW("flow-new"),
    /** New flows forwarded by stateless Maglev because their bucket was full of live flows. */
    FLOW_FALLBACK("flow-fallback"),
    /** Flows whose backend left the configuration and were re-hashed. */
    FLOW_REHASHED("flow-rehashed"),
    /** Flows freed by the expiry sweep. */
    FLOW_EXPIRED("flow-expired"),
    /** Live flows in this worker's table. */
    FLOW_ACTIVE("flow-active"),
    /** ICMP errors from the network routed to a flow's backend by the quoted packet. */
    ICMP_ROUTED("icmp-errors-routed"),
    /** ICMP fragmentation-needed / packet-too-big sent to clients. */
    ICMP_TOO_BIG_SENT("icmp-too-big-sent"),
    /** Neighbour requests (ARP / NS) the worker transmitted for the control plane. */
    INJECTED("injected"),
    /** Frames to inject that found no mbuf or no room in the TX queue. */
    INJECT_FAILED("inject-failed"),
    /** Service snapshot generation the worker runs. */
    GENERATION("generation"),
    /** Duty cycles that did work (received, injected or expired something): the busy cycles. */
    WORK_CYCLES("work-cycles"),
    /** Duty cycles run, busy or idle. */
    DUTY_CYCLES("duty-cycles"),
    /** Nanoseconds spent in duty cycles that did work, each measured from its start to the next cycle's start. */
    BUSY_NS("busy-ns"),
    /** Gauge: share of the last completed period (about 1 s of the worker's clock) spent busy, in parts per million. */
    BUSY_PPM("busy-ppm"),
    /** Gauge: the longest duty cycle of the last completed period, in nanoseconds. */
    MAX_CYCLE_NS("max-cycle-ns"),
    /** Flow events (new flow, re-pin, close) lost because the worker's flow-event ring was full. */
    FLOW_EVENTS_LOST("flow-events-lost"),
    /** Flows from a peer written into the flow table (new, or replacing an earlier copy from a peer). */
    FLOW_UPSERTS("flow-upserts"),
    /** Flows from a peer not written because the table holds the flow live from this LB's own traffic. */
    FLOW_UPSERTS_KEPT_LOCAL("flow-upserts-kept-local"),
    /** Flows from a peer refused: no such service or backend here, a bad timeout, or no free slot. */
    FLOW_UPSERTS_REJECTED("flow-upserts-rejected"),
    /** Commands from other threads the worker could not understand (a defect; never expected). */
    COMMANDS_MALFORMED("commands-malformed"),
    /** Replies of NAT flows from their backends, recognised by source (forwarded, or dropped by reason). */
    NAT_REPLIES("nat-replies"),
    /** SYNs and SYN-ACKs of NAT and full-NAT flows whose MSS option was lowered (mssClamp, or room for the TOA option). */
    MSS_CLAMPED("mss-clamped"),
    /** Client-to-backend TCP segments of {@code clientAddress: toa} services that got the TOA option. */
    TOA_INSERTED("toa-inserted"),
    /** Such segments sent without the option: the frame had too little headroom (forwarded all the same). */
    TOA_SKIPPED_NO_HEADROOM("toa-skipped-no-headroom"),
    /** Such segments sent without the option: their TCP header had no room for it (forwarded all the same). */
    TOA_SKIPPED_NO_OPTION_ROOM("toa-skipped-no-option-room"),
    /** Such segments sent without the option: it would have made them larger than the MTU (forwarded all the same). */
    TOA_SKIPPED_OVER_MTU("toa-skipped-over-mtu"),
    /** Client-to-backend datagrams of {@code clientAddress: proxy-v2} services sent with a PROXY v2 header (all that are forwarded). */
    PROXY_V2_PREPENDED("proxy-v2-prepended"),
    /** Sampled duty cycles (one in {@code CycleProfile.SAMPLE_EVERY}) that received packets: the profile's busy cycles. */
    PROFILE_CYCLES("profile-cycles"),
    /** Packets those sampled cycles received: the divisor of the per-packet stage costs. */
    PROFILE_PACKETS("profile-packets"),
    /** Nanoseconds of the sampled busy cycles from their start to the RX burst: snapshot check, commands. */
    PROFILE_COMMANDS_NS("profile-commands-ns"),
    /** Nanoseconds of their RX bursts ({@code rte_eth_rx_burst}). */
    PROFILE_RX_NS("profile-rx-ns"),
    /** Nanoseconds of their packets through the pipeline (prefetch passes, parse, lookup, rewrite, settle). */
    PROFILE_PIPELINE_NS("profile-pipeline-ns"),
    /** Nanoseconds of their TX bursts ({@code rte_eth_tx_burst}, and the accounting of what the NIC took). */
    PROFILE_TX_NS("profile-tx-ns"),
    /** Nanoseconds of their bulk frees of the mbufs not sent. */
    PROFILE_FREE_NS("profile-free-ns"),
    /** Nanoseconds of their flow-expiry slice and full-NAT pool tidying. */
    PROFILE_EXPIRY_NS("profile-expiry-ns"),
    /** Nanoseconds of their counter bookkeeping and publishing. */
    PROFILE_HOUSEKEEPING_NS("profile-housekeeping-ns"),
    /** Nanoseconds of the sampled busy cycles from start to the next cycle's start: the stages plus the agent's loop. */
    PROFILE_CYCLE_NS("profile-cycle-ns"),
    /** Sampled duty cycles whose RX burst was empty. */
    PROFILE_EMPTY_POLLS("profile-empty-polls"),
    /** Nanoseconds of those empty RX bursts. */
    PROFILE_EMPTY_POLL_NS("profile-empty-poll-ns");

    private static final WorkerCounter[] VALUES = values();
    private final String label;

    WorkerCounter(final String label)
    {
        this.label = label;
    }

    /** @return the label used in counters and metrics. */
    public String label()
    {
        return label;
    }

    /** @return the counter with an ordinal. */
    public static WorkerCounter of(final int ordinal)
    {
        return VALUES[ordinal];
    }

    /** @return the number of counters. */
    public static int count()
    {
        return VALUES.length;
    }
}
