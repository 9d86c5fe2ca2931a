package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.packet.EthernetFlyweight;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.stats.Verdict;

/**
 * The DSR writer: direct server return, layer 2. Only the MACs change: the frame goes to the
 * backend's (or its gateway's) MAC from the port's, unchanged above Ethernet, TTL included, as a
 * switch would forward it; the backend holds the VIP on a loopback and answers the client itself.
 * The caller has checked the MTU.
 */
final class DsrWriter
{
    /**
     * Rewrites the MACs.
     *
     * @return {@link Verdict#FORWARD}.
     */
    int write(final PacketBuffer packet, final long nextHopMac, final long portMac)
    {
        EthernetFlyweight.writeMacs(packet.dataAddress(), nextHopMac, portMac);
        return Verdict.FORWARD;
    }
}
