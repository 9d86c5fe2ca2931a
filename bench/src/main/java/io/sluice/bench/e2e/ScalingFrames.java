package io.sluice.bench.e2e;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import io.sluice.bench.pipeline.TcpFrameEncoder;

/**
 * The traffic of {@code sluice bench scaling}: one pcap file per receive queue, each holding one
 * 60-byte IPv4 TCP ACK frame ({@link TcpFrameEncoder}) per flow, from a client to the VIP
 * 192.0.2.20:80 and the LB's MAC. DPDK's {@code net_pcap} replays each file on its queue forever
 * ({@code infinite_rx=1}), so every flow of a queue comes round once per pass over its file.
 * <p>
 * Flow {@code f} of queue {@code q} is client {@code 10.0.0.0 | q << 18 | f >>> 14}, port
 * {@code 1024 + (f mod 16384)}: distinct within a queue and between queues, up to
 * {@link #MAX_FLOWS_PER_QUEUE} flows on each of {@link #MAX_QUEUES} queues (net_pcap's most).
 */
public final class ScalingFrames
{
    /** Most flows per queue. */
    public static final int MAX_FLOWS_PER_QUEUE = 1 << 20;
    /** Most queues: net_pcap's RTE_PMD_PCAP_MAX_QUEUES. */
    public static final int MAX_QUEUES = 16;
    /** The VIP 192.0.2.20. */
    public static final int VIP = 0xC000_0214;
    /** The VIP's port. */
    public static final int VIP_PORT = 80;
    /** The first client port. */
    public static final int FIRST_PORT = 1024;

    private static final int PORT_BITS = 14;
    private static final int QUEUE_SHIFT = 18;
    private static final int CLIENT_NET = 0x0A00_0000;

    private ScalingFrames()
    {
    }

    /**
     * @param queue 0..{@link #MAX_QUEUES} - 1.
     * @param flow  0..{@link #MAX_FLOWS_PER_QUEUE} - 1.
     * @return the flow's client address, a.b.c.d as 0xaabbccdd.
     */
    public static int clientAddress(final int queue, final int flow)
    {
        return CLIENT_NET | queue << QUEUE_SHIFT | flow >>> PORT_BITS;
    }

    /**
     * @param flow 0..{@link #MAX_FLOWS_PER_QUEUE} - 1.
     * @return the flow's client port.
     */
    public static int clientPort(final int flow)
    {
        return FIRST_PORT + (flow & ((1 << PORT_BITS) - 1));
    }

    /**
     * Writes one queue's file.
     *
     * @param file   the pcap file.
     * @param queue  the queue, 0..{@link #MAX_QUEUES} - 1.
     * @param flows  flows, 1..{@link #MAX_FLOWS_PER_QUEUE}: one frame each.
     * @param lbMac  the LB's MAC (destination), in the low 48 bits.
     * @param srcMac the sender's MAC, in the low 48 bits.
     * @throws IOException when the file cannot be written.
     */
    public static void write(final Path file, final int queue, final int flows, final long lbMac, final long srcMac) throws IOException
    {
        if (queue < 0 || queue >= MAX_QUEUES)
        {
            throw new IllegalArgumentException("queue " + queue + " is not 0.." + (MAX_QUEUES - 1));
        }
        if (flows < 1 || flows > MAX_FLOWS_PER_QUEUE)
        {
            throw new IllegalArgumentException("flows per queue " + flows + " is not 1.." + MAX_FLOWS_PER_QUEUE);
        }
        final byte[] frame = new byte[TcpFrameEncoder.FRAME_LENGTH];
        final MemorySegment segment = MemorySegment.ofArray(frame);
        try (PcapWriter pcap = PcapWriter.create(file))
        {
            for (int flow = 0; flow < flows; flow++)
            {
                TcpFrameEncoder.encode(segment, 0, lbMac, srcMac, clientAddress(queue, flow), clientPort(flow), VIP, VIP_PORT);
                pcap.write(frame, 0, frame.length, 0);
            }
        }
    }
}
