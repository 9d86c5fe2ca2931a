package io.sluice.dataplane.worker;

import io.sluice.dpdk.MbufLayout;
import io.sluice.dpdk.MbufPool;

/**
 * How a port's buffers are sized from the egress MTU, so that a frame of the MTU with its Ethernet
 * header and two VLAN tags fits one buffer (Sluice handles single-segment frames only). The port's
 * own MTU is not set: a NIC keeps its setting and drops what exceeds it before Sluice sees it.
 * <ul>
 *     <li>the mbufs hold at least such a frame, and never less than DPDK's usual 2,048 bytes;</li>
 *     <li>a {@code net_af_packet} port also gets kernel ring frames ({@code framesz}) that hold it.
 *     The kernel places a packet 66 bytes into its ring frame and cuts what does not fit; DPDK's
 *     driver reads the frames as one array (so a block holds whole frames, back to back) and
 *     refuses mbufs that cannot take a ring frame less its 32-byte header. The ring frame is the
 *     smallest power of two from 2,048 that fits, the block one frame or one page.</li>
 * </ul>
 * The sizes are fixed when the port opens: a reload may lower the MTU, not raise it above
 * {@link #frameCapacity()} less the L2 header.
 *
 * @param device        the device string to open (with {@code framesz} and {@code blocksz} added
 *                      for an af_packet port whose string sets neither; when it sets one, the
 *                      mbufs and the frame capacity follow its {@code framesz}, or DPDK's 2048).
 * @param frameCapacity the largest frame, L2 header included, that arrives whole.
 * @param dataRoomSize  the mbuf data room to create the pool with, headroom included.
 */
public record FrameSizing(String device, int frameCapacity, int dataRoomSize)
{
    /** Ethernet header and two VLAN tags: the most L2 bytes in front of an IP packet. */
    public static final int MAX_L2_HEADER = 14 + 2 * 4;
    private static final int MIN_FRAME = MbufPool.DEFAULT_DATA_ROOM_SIZE - MbufLayout.HEADROOM;
    private static final int AF_PACKET_DATA_OFFSET = 66;
    private static final int AF_PACKET_HEADER = 32;
    private static final int AF_PACKET_DEFAULT_FRAME = 2048;
    private static final int PAGE_SIZE = 4096;
    private static final String AF_PACKET = "net_af_packet";

    /**
     * The sizing of a device for an MTU.
     *
     * @param device the DPDK device string, e.g. {@code net_af_packet0,iface=eth1} or a PCI address.
     * @param mtu    the egress MTU (the largest IP packet).
     * @return the sizing.
     */
    public static FrameSizing of(final String device, final int mtu)
    {
        final int frame = mtu + MAX_L2_HEADER;
        final boolean afPacket = device.startsWith(AF_PACKET);
        if (afPacket && (device.contains("framesz=") || device.contains("blocksz=")))
        {
            final int given = argument(device, "framesz");
            final int ringFrame = given > 0 ? given : AF_PACKET_DEFAULT_FRAME;
            return new FrameSizing(device, ringFrame - AF_PACKET_DATA_OFFSET, MbufLayout.HEADROOM + ringFrame - AF_PACKET_HEADER);
        }
        if (afPacket)
        {
            final int ringFrame = Math.max(MIN_FRAME, Integer.highestOneBit(frame + AF_PACKET_DATA_OFFSET - 1) << 1);
            return new FrameSizing(device + ",framesz=" + ringFrame + ",blocksz=" + Math.max(ringFrame, PAGE_SIZE),
                ringFrame - AF_PACKET_DATA_OFFSET, MbufLayout.HEADROOM + ringFrame - AF_PACKET_HEADER);
        }
        final int capacity = Math.max(MIN_FRAME, (frame + 63) / 64 * 64);
        return new FrameSizing(device, capacity, MbufLayout.HEADROOM + capacity);
    }

    /**
     * The value of a numeric device argument.
     *
     * @return the value, or -1 when the device string does not give it (or not as a number).
     */
    private static int argument(final String device, final String name)
    {
        for (final String part : device.split(","))
        {
            if (part.startsWith(name + "="))
            {
                try
                {
                    return Integer.parseInt(part.substring(name.length() + 1));
                }
                catch (final NumberFormatException ex)
                {
                    return -1;
                }
            }
        }
        return -1;
    }

    /**
     * The largest MTU these buffers carry whole.
     *
     * @return {@link #frameCapacity()} less the Ethernet header and two VLAN tags.
     */
    public int maxMtu()
    {
        return frameCapacity - MAX_L2_HEADER;
    }
}
