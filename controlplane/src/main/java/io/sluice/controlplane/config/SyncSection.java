package io.sluice.controlplane.config;

import java.nio.file.Path;
import java.util.List;

import io.sluice.sync.SyncAgentConfig;
import io.sluice.sync.transport.SyncTransportConfig;

/**
 * The {@code sync:} section: this load balancer's part in flow-table replication with its peers.
 * A change needs a restart (a reload says so).
 *
 * @param nodeId             this LB's id in the cluster, 1..4294967295 (as a signed int), unique per LB.
 * @param keyFile            the shared key (hex, at least 32 bytes, readable by its owner only).
 * @param listen             the local {@code address:port} peers send to, on a kernel-visible interface.
 * @param peers              each peer's {@code address:port}.
 * @param multicastInterface the local interface address when {@code listen} is a multicast group; else null.
 * @param aeronDirectory     the embedded Aeron driver's directory, one per LB on a host.
 * @param termLength         bytes of each Aeron term buffer per peer.
 * @param eventRingBytes     bytes of each worker's flow-event ring.
 * @param refreshIntervalNs  time between two refresh walks of this LB's own flows.
 * @param maxBatchDelayNs    longest a flow waits in a batch.
 * @param stateFile          where the last epoch is kept, so that each start's is larger ({@code SyncEpoch}).
 */
public record SyncSection(
    int nodeId, Path keyFile, String listen, List<String> peers, String multicastInterface, String aeronDirectory,
    int termLength, int eventRingBytes, long refreshIntervalNs, long maxBatchDelayNs, Path stateFile)
{
    /** Default flow-event ring size per worker (1 MiB: some 7,000 events of slack). */
    public static final int DEFAULT_EVENT_RING_BYTES = 1 << 20;

    /**
     * Copies the peer list.
     */
    public SyncSection
    {
        peers = List.copyOf(peers);
    }

    /** @return the transport's form of this section. */
    public SyncTransportConfig toTransportConfig()
    {
        return new SyncTransportConfig(aeronDirectory, listen, peers, multicastInterface, SyncTransportConfig.DEFAULT_STREAM_ID,
            termLength);
    }

    /**
     * The agent's form of this section.
     *
     * @param epoch this run's epoch: the later of its start time in milliseconds and the last run's epoch + 1.
     * @return the agent's configuration.
     */
    public SyncAgentConfig toAgentConfig(final long epoch)
    {
        return new SyncAgentConfig(nodeId, epoch, maxBatchDelayNs, SyncAgentConfig.DEFAULT_HELLO_INTERVAL_NS, refreshIntervalNs,
            SyncAgentConfig.DEFAULT_WALK_FLOWS_PER_CYCLE, SyncAgentConfig.DEFAULT_PAGE_TIMEOUT_NS);
    }
}
