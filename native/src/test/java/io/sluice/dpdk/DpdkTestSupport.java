package io.sluice.dpdk;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The one EAL of the test JVM (EAL can start once per process), started lazily by the first test
 * that needs it and never closed, plus helpers shared by the DPDK tests.
 */
public final class DpdkTestSupport
{
    /** EAL arguments for tests: no PCI scan, no shared files, one lcore. */
    public static final List<String> EAL_ARGS =
        List.of("--in-memory", "--no-pci", "--no-telemetry", "-l", "0", "--log-level=notice");

    private static final AtomicInteger POOL_SEQUENCE = new AtomicInteger();

    private DpdkTestSupport()
    {
    }

    /**
     * The shared EAL, started on first use.
     *
     * @return the running EAL.
     */
    public static Eal eal()
    {
        return Holder.EAL;
    }

    /**
     * A new pool with a unique name, default data room and a small cache.
     *
     * @param count mbufs in the pool.
     * @return the pool; the test closes it.
     */
    public static MbufPool newPool(final int count)
    {
        eal();
        return MbufPool.create("test_pool_" + POOL_SEQUENCE.incrementAndGet(), count, 0, MbufPool.DEFAULT_DATA_ROOM_SIZE);
    }

    /**
     * Writes bytes at an mbuf's data address and sets its length.
     *
     * @param mbuf  the flyweight, wrapped.
     * @param bytes the packet.
     */
    public static void fill(final Mbuf mbuf, final byte[] bytes)
    {
        mbuf.setLength(bytes.length);
        MemorySegment.copy(bytes, 0, Mbuf.memory(), JAVA_BYTE, mbuf.dataAddress(), bytes.length);
    }

    /**
     * Reads an mbuf's data.
     *
     * @param mbuf the flyweight, wrapped.
     * @return a copy of {@code [dataAddress, dataAddress + dataLength)}.
     */
    static byte[] contents(final Mbuf mbuf)
    {
        final byte[] bytes = new byte[mbuf.dataLength()];
        MemorySegment.copy(Mbuf.memory(), JAVA_BYTE, mbuf.dataAddress(), bytes, 0, bytes.length);
        return bytes;
    }

    /**
     * An Ethernet-like test frame whose bytes depend on its index, so frames cannot be confused.
     *
     * @param index  which frame.
     * @param length frame length.
     * @return the frame.
     */
    static byte[] frame(final int index, final int length)
    {
        final byte[] frame = new byte[length];
        for (int i = 0; i < length; i++)
        {
            frame[i] = (byte)(index * 31 + i * 7 + (i >>> 8));
        }
        frame[12] = 0x08;
        frame[13] = 0x00;
        return frame;
    }

    private static final class Holder
    {
        static final Eal EAL = Eal.start(EAL_ARGS);
    }
}
