package io.sluice.lab;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.sluice.dpdk.DpdkTestSupport;
import io.sluice.dpdk.Mbuf;
import io.sluice.dpdk.MbufPool;
import io.sluice.dpdk.Port;
import io.sluice.dpdk.PortConfig;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A DPDK port ({@code net_af_packet} or {@code net_af_xdp}) on the LB's interface {@code sl-lb0},
 * standing where the load balancer stands, for tests that put hand-made frames on the lab's LAN
 * without the LB: the frames go out through DPDK exactly as the dataplane's would.
 * <p>
 * The test JVM runs in the root namespace and both drivers bind to an interface of the namespace
 * of the thread that opens the device (AF_PACKET and AF_XDP sockets, the XDP program's netlink
 * calls), so the port is opened and closed (the drivers' interface flag changes use sockets of the
 * calling thread too) on a thread inside {@code sl-lb}.
 */
final class LbPort implements AutoCloseable
{
    /** Enough for net_af_packet and for net_af_xdp, which keeps 2048 mbufs in its fill ring. */
    private static final int POOL_SIZE = 4095;
    private static final int DESCRIPTORS = 256;
    private static final int BURST = 32;
    private static final long POLL_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private final MbufPool pool;
    private final Port port;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment burst = arena.allocate(JAVA_LONG, BURST);
    private final Mbuf mbuf = new Mbuf();

    private LbPort(final MbufPool pool, final Port port)
    {
        this.pool = pool;
        this.port = port;
    }

    /**
     * Opens the port.
     *
     * @param device the devargs, {@link LabTopology#afPacketDevice(int)} or {@link LabTopology#afXdpDevice(int)}.
     * @return the started port.
     * @throws Exception when the lab is not up or DPDK cannot open the device.
     */
    static LbPort open(final String device) throws Exception
    {
        DpdkTestSupport.eal();
        final MbufPool pool = DpdkTestSupport.newPool(POOL_SIZE);
        try
        {
            final Port port = NetworkNamespace.call(LabTopology.LB_NAMESPACE,
                () -> Port.open(device, new PortConfig(1, 1, DESCRIPTORS, DESCRIPTORS, false), pool));
            return new LbPort(pool, port);
        }
        catch (final Exception | Error ex)
        {
            pool.close();
            throw ex;
        }
    }

    /** @return the port's MAC, as {@code aa:bb:cc:dd:ee:ff}. */
    String mac()
    {
        return port.macAddress().toString();
    }

    /**
     * Sends frames, one burst.
     *
     * @param frames complete Ethernet frames.
     */
    void send(final byte[]... frames)
    {
        if (frames.length > BURST)
        {
            throw new IllegalArgumentException("at most " + BURST + " frames per call, not " + frames.length);
        }
        for (int i = 0; i < frames.length; i++)
        {
            final long address = pool.alloc();
            if (address == 0)
            {
                freeBurst(i);
                throw new IllegalStateException("mbuf pool exhausted");
            }
            DpdkTestSupport.fill(mbuf.wrap(address), frames[i]);
            burst.setAtIndex(JAVA_LONG, i, address);
        }
        final int sent = port.txBurst(0, burst, frames.length);
        if (sent != frames.length)
        {
            for (int i = sent; i < frames.length; i++)
            {
                pool.free(burst.getAtIndex(JAVA_LONG, i));
            }
            throw new IllegalStateException("the port took " + sent + " of " + frames.length + " frames");
        }
    }

    /**
     * Takes what the port has received so far.
     *
     * @return copies of the received frames, oldest first; empty when there are none.
     */
    List<byte[]> receive()
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int received = port.rxBurst(0, burst, BURST); received > 0; received = port.rxBurst(0, burst, BURST))
        {
            for (int i = 0; i < received; i++)
            {
                mbuf.wrap(burst.getAtIndex(JAVA_LONG, i));
                final byte[] frame = new byte[mbuf.dataLength()];
                MemorySegment.copy(Mbuf.memory(), JAVA_BYTE, mbuf.dataAddress(), frame, 0, frame.length);
                frames.add(frame);
            }
            pool.freeBulk(burst, received);
        }
        return frames;
    }

    /**
     * Collects the ARP replies and neighbour advertisements the port receives until every one of
     * {@code awaited} has come or the timeout has passed.
     *
     * @param awaited answers as {@link TestPackets#arpReply} and {@link TestPackets#neighbourAdvertisement} print them.
     * @param timeout how long to wait for them.
     * @return every answer received, awaited or not.
     */
    Set<String> awaitNeighbourAnswers(final Set<String> awaited, final Duration timeout)
    {
        final Set<String> answers = new TreeSet<>();
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        collectNeighbourAnswers(answers);
        while (!answers.containsAll(awaited) && System.nanoTime() - deadlineNs < 0)
        {
            LockSupport.parkNanos(POLL_INTERVAL_NS);
            collectNeighbourAnswers(answers);
        }
        return answers;
    }

    /**
     * Adds the ARP replies and neighbour advertisements received so far to {@code answers}; drops
     * every other frame.
     *
     * @param answers where to add them.
     */
    void collectNeighbourAnswers(final Set<String> answers)
    {
        for (final byte[] frame : receive())
        {
            final String arp = TestPackets.arpReply(frame);
            final String nd = TestPackets.neighbourAdvertisement(frame);
            if (arp != null)
            {
                answers.add(arp);
            }
            if (nd != null)
            {
                answers.add(nd);
            }
        }
    }

    private void freeBurst(final int count)
    {
        if (count > 0)
        {
            pool.freeBulk(burst, count);
        }
    }

    /** Closes the port (from inside sl-lb while it exists) and frees the pool. */
    @Override
    public void close()
    {
        try
        {
            if (Files.exists(Path.of("/run/netns", LabTopology.LB_NAMESPACE)))
            {
                NetworkNamespace.call(LabTopology.LB_NAMESPACE, () ->
                {
                    port.close();
                    return null;
                });
            }
            else
            {
                port.close();
            }
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("cannot close " + port + ": " + ex, ex);
        }
        finally
        {
            pool.close();
            arena.close();
        }
    }
}
