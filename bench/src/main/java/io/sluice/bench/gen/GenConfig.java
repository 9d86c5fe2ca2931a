package io.sluice.bench.gen;

import java.util.List;
import java.util.Map;

/**
 * The generator's settings, validated ({@link Gen} builds them from the command line).
 *
 * @param txDevice      the devargs of the port to send on.
 * @param rxDevice      the devargs of the port to receive on; the same string as {@code txDevice} for one port.
 * @param ealArgs       EAL arguments.
 * @param core          the CPU to pin the polling thread to, -1 for none.
 * @param rxCore        the CPU of a separate receiving thread, -1 for one thread doing both.
 * @param vip           the VIP, 4 or 16 bytes: the family of all traffic.
 * @param vipPort       the VIP's port.
 * @param protocol      6 (TCP) or 17 (UDP).
 * @param srcMac        the source MAC, -1 for the tx port's own.
 * @param dstMac        the destination MAC (the load balancer port's).
 * @param clientNetwork the client network, 4 or 16 bytes (the VIP's family), host bits zero.
 * @param clients       the client tuples within it.
 * @param flows         the established flows, cycled.
 * @param newFlowsPpm   parts per million of packets that open a brand-new 5-tuple.
 * @param frameSize     frame size with the FCS, as on the wire.
 * @param ratePps       packets per second, 0 for as fast as possible.
 * @param catchUpNs     with a rate: how much sending time missed in a stall is made up afterwards.
 * @param durationNs    how long to measure; 0 when {@code count} ends the run.
 * @param count         packets to send after the warm-up, 0 when {@code durationNs} ends the run.
 * @param warmupNs      how long to send before measuring.
 * @param drainNs       how long to wait at most, after the last send, for packets still coming back.
 * @param progressNs    the interval of progress lines, 0 for none.
 * @param linkWaitNs    how long to wait at most for the ports' links before sending.
 * @param json          print the summary as one JSON object.
 * @param expect        what the load balancer sends on.
 * @param guePort       the GUE UDP port.
 * @param macNames      backend names by MAC (48-bit value), for DSR.
 * @param maxBackends   distinct backends counted at the most.
 * @param burst         packets per tx and rx burst.
 * @param mbufs         mbufs in the pool.
 * @param descriptors   rx and tx descriptors per queue.
 */
record GenConfig(
    String txDevice, String rxDevice, List<String> ealArgs, int core, int rxCore, byte[] vip, int vipPort, int protocol, long srcMac,
    long dstMac, byte[] clientNetwork, ClientSpace clients, int flows, int newFlowsPpm, int frameSize, long ratePps, long catchUpNs,
    long durationNs, long count, long warmupNs, long drainNs, long progressNs, long linkWaitNs, boolean json, Expect expect,
    int guePort, Map<Long, String> macNames, int maxBackends, int burst, int mbufs, int descriptors)
{
    /** Parts per million: the unit of {@link #newFlowsPpm()}. */
    static final int MILLION = 1_000_000;

    /**
     * @return whether one port both sends and receives.
     */
    boolean onePort()
    {
        return txDevice.equals(rxDevice);
    }
}
