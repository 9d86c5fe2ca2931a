package io.sluice.controlplane.metrics;

import io.prometheus.metrics.model.snapshots.Unit;

import io.sluice.dataplane.stats.WorkerCounter;

/**
 * How one {@link WorkerCounter} is exposed to Prometheus: its metric name (without the
 * {@code _total} a counter gets in the exposition), help, kind and scale to base units. The switch
 * in {@link #of} names every counter, so a counter added to the dataplane does not compile here
 * until it is given a metric.
 *
 * @param name  the metric name, e.g. {@code sluice_worker_rx_packets}.
 * @param help  what it counts.
 * @param gauge true for a gauge, false for a counter.
 * @param divisor what the raw value is divided by for the exposed one (1e9 for nanoseconds to seconds).
 * @param unit  the unit the name ends with, or null.
 */
public record WorkerMetric(String name, String help, boolean gauge, double divisor, Unit unit)
{
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double PARTS_PER_MILLION = 1e6;

    private static WorkerMetric counter(final String name, final String help)
    {
        return new WorkerMetric(name, help, false, 1, null);
    }

    private static WorkerMetric stage(final String stage, final String help)
    {
        return new WorkerMetric("sluice_worker_profile_" + stage + "_seconds", help, false, NANOS_PER_SECOND, Unit.SECONDS);
    }

    private static WorkerMetric gauge(final String name, final String help)
    {
        return new WorkerMetric(name, help, true, 1, null);
    }

    /**
     * The metric of a worker counter.
     *
     * @param counter the counter.
     * @return its metric.
     */
    public static WorkerMetric of(final WorkerCounter counter)
    {
        return switch (counter)
        {
            case RX_PACKETS -> counter("sluice_worker_rx_packets", "Packets the worker received from its RX queue.");
            case RX_BYTES -> new WorkerMetric("sluice_worker_rx_bytes", "Bytes the worker received.", false, 1, Unit.BYTES);
            case FORWARDED -> counter("sluice_worker_forwarded_packets", "Packets rewritten for a backend and sent.");
            case REPLIED -> counter("sluice_worker_replied_packets", "Packets answered in place (ARP, ND, ICMP echo, too-big).");
            case PUNTED -> counter("sluice_worker_punted_packets", "Packets handed to the control plane.");
            case DROPPED -> counter("sluice_worker_dropped_packets", "Packets dropped, all reasons (see sluice_drops_total).");
            case TX_PACKETS -> counter("sluice_worker_tx_packets", "Packets the NIC accepted for transmission.");
            case TX_BYTES -> new WorkerMetric("sluice_worker_tx_bytes", "Bytes the NIC accepted for transmission.", false, 1,
                Unit.BYTES);
            case FLOW_HITS -> counter("sluice_worker_flow_hits", "Packets of flows found in the flow table.");
            case FLOW_NEW -> counter("sluice_worker_new_flows", "Flows inserted into the flow table.");
            case FLOW_FALLBACK -> counter("sluice_worker_flow_fallbacks",
                "New flows forwarded by stateless Maglev because their flow-table bucket was full of live flows.");
            case FLOW_REHASHED -> counter("sluice_worker_flows_rehashed", "Flows whose backend left the configuration and were re-hashed.");
            case FLOW_EXPIRED -> counter("sluice_worker_flows_expired", "Flows freed by the expiry sweep.");
            case FLOW_ACTIVE -> gauge("sluice_worker_active_flows", "Live flows in the worker's flow table.");
            case ICMP_ROUTED -> counter("sluice_worker_icmp_errors_routed",
                "ICMP errors from the network routed to a flow's backend by the quoted packet.");
            case ICMP_TOO_BIG_SENT -> counter("sluice_worker_icmp_too_big_sent",
                "ICMP fragmentation-needed / packet-too-big messages sent to clients.");
            case INJECTED -> counter("sluice_worker_injected_frames", "Neighbour requests the worker transmitted for the control plane.");
            case INJECT_FAILED -> counter("sluice_worker_inject_failures", "Frames to inject that found no mbuf or no room in the TX queue.");
            case GENERATION -> gauge("sluice_worker_generation", "Configuration generation the worker runs.");
            case WORK_CYCLES -> counter("sluice_worker_busy_cycles", "Duty cycles that did work (received, injected or expired).");
            case DUTY_CYCLES -> counter("sluice_worker_duty_cycles", "Duty cycles run, busy or idle.");
            case BUSY_NS -> new WorkerMetric("sluice_worker_busy_seconds", "Time spent in duty cycles that did work.", false, NANOS_PER_SECOND,
                Unit.SECONDS);
            case BUSY_PPM -> new WorkerMetric("sluice_worker_busy_ratio",
                "Share of the last completed 1 s period the worker spent in duty cycles that did work.", true, PARTS_PER_MILLION,
                Unit.RATIO);
            case MAX_CYCLE_NS -> new WorkerMetric("sluice_worker_longest_duty_cycle_seconds",
                "Longest duty cycle of the last completed 1 s period.", true, NANOS_PER_SECOND, Unit.SECONDS);
            case FLOW_EVENTS_LOST -> counter("sluice_worker_flow_events_lost",
                "Flow events (new, re-pin, close) lost to a full flow-event ring.");
            case FLOW_UPSERTS -> counter("sluice_worker_flow_upserts", "Flows from a peer written into the flow table.");
            case FLOW_UPSERTS_KEPT_LOCAL -> counter("sluice_worker_flow_upserts_kept_local",
                "Flows from a peer not written because the flow is live from this LB's own traffic.");
            case FLOW_UPSERTS_REJECTED -> counter("sluice_worker_flow_upserts_rejected",
                "Flows from a peer refused: unknown service or backend, bad timeout, or no free slot.");
            case COMMANDS_MALFORMED -> counter("sluice_worker_commands_malformed",
                "Commands to the worker that could not be decoded (a defect).");
            case NAT_REPLIES -> counter("sluice_worker_nat_replies",
                "Replies of NAT flows from their backends, recognised by source (forwarded, or dropped by reason).");
            case MSS_CLAMPED -> counter("sluice_worker_mss_clamped",
                "SYNs and SYN-ACKs of NAT and full-NAT flows whose MSS option was lowered (mssClamp, or room for TOA).");
            case TOA_INSERTED -> counter("sluice_worker_toa_inserted",
                "Client-to-backend TCP segments of clientAddress toa services sent with the TOA option.");
            case TOA_SKIPPED_NO_HEADROOM -> counter("sluice_worker_toa_skipped_no_headroom",
                "Such segments forwarded without the option: too little headroom in the frame.");
            case TOA_SKIPPED_NO_OPTION_ROOM -> counter("sluice_worker_toa_skipped_no_option_room",
                "Such segments forwarded without the option: their TCP header had no room for it.");
            case TOA_SKIPPED_OVER_MTU -> counter("sluice_worker_toa_skipped_over_mtu",
                "Such segments forwarded without the option: it would have made them larger than the MTU.");
            case PROXY_V2_PREPENDED -> counter("sluice_worker_proxy_v2_prepended",
                "Client-to-backend datagrams of clientAddress proxy-v2 services sent with a PROXY v2 header.");
            case PROFILE_CYCLES -> counter("sluice_worker_profile_cycles",
                "Sampled duty cycles (1 in 64) that received packets; the stage times below are theirs.");
            case PROFILE_PACKETS -> counter("sluice_worker_profile_packets", "Packets the sampled busy duty cycles received.");
            case PROFILE_COMMANDS_NS -> stage("commands", "Sampled busy cycles' time before the RX burst (snapshot, commands).");
            case PROFILE_RX_NS -> stage("rx", "Sampled busy cycles' time in the RX burst.");
            case PROFILE_PIPELINE_NS -> stage("pipeline", "Sampled busy cycles' time in the packet pipeline.");
            case PROFILE_TX_NS -> stage("tx", "Sampled busy cycles' time in the TX burst.");
            case PROFILE_FREE_NS -> stage("free", "Sampled busy cycles' time freeing mbufs not sent.");
            case PROFILE_EXPIRY_NS -> stage("expiry", "Sampled busy cycles' time in the flow-expiry slice and NAT pool tidying.");
            case PROFILE_HOUSEKEEPING_NS -> stage("housekeeping", "Sampled busy cycles' time in counter bookkeeping and publishing.");
            case PROFILE_CYCLE_NS -> stage("cycle", "Sampled busy cycles' whole time, start to the next cycle's start.");
            case PROFILE_EMPTY_POLLS -> counter("sluice_worker_profile_empty_polls", "Sampled duty cycles whose RX burst was empty.");
            case PROFILE_EMPTY_POLL_NS -> new WorkerMetric("sluice_worker_profile_empty_poll_seconds",
                "Time of the sampled empty RX bursts.", false, NANOS_PER_SECOND, Unit.SECONDS);
        };
    }
}
