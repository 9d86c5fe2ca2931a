package io.sluice.sync.transport;

import java.util.List;

/**
 * Where a load balancer listens for sync and whom it sends to.
 *
 * @param aeronDirectory the embedded media driver's directory: one per LB on a host (for example
 *                       {@code /dev/shm/sluice-sync-lb1}), deleted at start and at close.
 * @param listen         the local {@code address:port} peers send to (a kernel-visible interface: the
 *                       DPDK port is invisible to the kernel), or a multicast {@code group:port}.
 * @param peers          each peer's {@code address:port}; empty with a multicast {@code listen}.
 * @param multicastInterface for a multicast group, the local interface address to use; else null.
 * @param streamId       the Aeron stream id, the same on every LB of a cluster.
 * @param termLength     bytes of each of the three term buffers per peer, a power of two from
 *                       {@link #MIN_TERM_LENGTH}: 1 MiB holds some 10,000 flow records in flight.
 */
public record SyncTransportConfig(
    String aeronDirectory, String listen, List<String> peers, String multicastInterface, int streamId, int termLength)
{
    /** Aeron's smallest term. */
    public static final int MIN_TERM_LENGTH = 64 * 1024;
    /** Aeron's largest term. */
    public static final int MAX_TERM_LENGTH = 1 << 30;
    /** The default term length. */
    public static final int DEFAULT_TERM_LENGTH = 1 << 20;
    /** The default stream id. */
    public static final int DEFAULT_STREAM_ID = 7311;

    /**
     * Validates the configuration.
     *
     * @throws IllegalArgumentException naming the value that is wrong.
     */
    public SyncTransportConfig
    {
        if (aeronDirectory == null || aeronDirectory.isBlank())
        {
            throw new IllegalArgumentException("sync aeron directory is empty");
        }
        requireEndpoint("sync listen", listen);
        peers = List.copyOf(peers);
        for (final String peer : peers)
        {
            requireEndpoint("sync peer", peer);
            if (peer.equals(listen))
            {
                throw new IllegalArgumentException("sync peer " + peer + " is this LB's own listen address");
            }
        }
        if (peers.isEmpty() && multicastInterface == null)
        {
            throw new IllegalArgumentException("sync has no peer: list peers, or give a multicast group and interface");
        }
        if (termLength < MIN_TERM_LENGTH || termLength > MAX_TERM_LENGTH || Integer.bitCount(termLength) != 1)
        {
            throw new IllegalArgumentException("sync term length " + termLength + " is not a power of two from " +
                MIN_TERM_LENGTH + " to " + MAX_TERM_LENGTH);
        }
    }

    private static void requireEndpoint(final String what, final String endpoint)
    {
        final int colon = endpoint == null ? -1 : endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1)
        {
            throw new IllegalArgumentException(what + " '" + endpoint + "' is not address:port");
        }
        final int port;
        try
        {
            port = Integer.parseInt(endpoint.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(what + " '" + endpoint + "' has no port number", ex);
        }
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException(what + " '" + endpoint + "' port is not 1..65535");
        }
    }

    /** @return the channel of the subscription: unicast on {@link #listen}, or the multicast group. */
    public String subscriptionChannel()
    {
        return multicastInterface == null ? "aeron:udp?endpoint=" + listen :
            "aeron:udp?endpoint=" + listen + "|interface=" + multicastInterface;
    }

    /** @return one channel per peer, or the multicast group's one. */
    public List<String> publicationChannels()
    {
        final String terms = "|term-length=" + termLength;
        if (multicastInterface != null)
        {
            return List.of(subscriptionChannel() + terms);
        }
        return peers.stream().map(peer -> "aeron:udp?endpoint=" + peer + terms).toList();
    }
}
