package io.sluice.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.sluice.dpdk.DpdkTestSupport.contents;
import static io.sluice.dpdk.DpdkTestSupport.fill;
import static io.sluice.dpdk.DpdkTestSupport.frame;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ports on DPDK's net_ring (a loopback: what is sent on a queue is received on it) and net_null.
 */
@Tag("dpdk")
class PortTest
{
    private static final PortConfig ONE_QUEUE = new PortConfig(1, 1, 256, 256, false);
    private static final int BURST = 8;

    @Test
    void shouldReceiveIdenticalBytesWhenRingPortSendsBurst()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(255);
            Port port = Port.open("net_ring0", ONE_QUEUE, pool);
            Arena arena = Arena.ofConfined())
        {
            final MemorySegment tx = arena.allocate(JAVA_LONG, BURST);
            final MemorySegment rx = arena.allocate(JAVA_LONG, BURST);
            final Mbuf mbuf = new Mbuf();
            for (int i = 0; i < BURST; i++)
            {
                final long address = pool.alloc();
                fill(mbuf.wrap(address), frame(i, 60 + i * 100));
                tx.setAtIndex(JAVA_LONG, i, address);
            }

            assertEquals(BURST, port.txBurst(0, tx, BURST));
            assertEquals(BURST, port.rxBurst(0, rx, BURST));

            for (int i = 0; i < BURST; i++)
            {
                mbuf.wrap(rx.getAtIndex(JAVA_LONG, i));
                assertArrayEquals(frame(i, 60 + i * 100), contents(mbuf), "frame " + i);
                assertEquals(60 + i * 100, mbuf.packetLength());
            }
            assertEquals(0, port.rxBurst(0, rx, BURST));
            pool.freeBulk(rx, BURST);
            assertEquals(0, pool.inUseCount());
        }
    }

    @Test
    void shouldCountPacketsWhenRingPortSendsAndReceives()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(255);
            Port port = Port.open("net_ring0", ONE_QUEUE, pool);
            Arena arena = Arena.ofConfined())
        {
            final MemorySegment burst = arena.allocate(JAVA_LONG, BURST);
            assertTrue(pool.allocBulk(burst, BURST));
            port.resetStats();

            assertEquals(BURST, port.txBurst(0, burst, BURST));
            assertEquals(5, port.rxBurst(0, burst, 5));
            final PortStats reuse = new PortStats();
            final PortStats stats = port.stats(reuse);

            assertTrue(stats == reuse);
            assertEquals(BURST, stats.txPackets());
            assertEquals(5, stats.rxPackets());
            assertEquals(0, stats.txErrors());

            assertEquals(3, port.rxBurst(0, burst.asSlice(5 * Long.BYTES), 3));
            assertEquals(BURST, port.stats(null).rxPackets());
            pool.freeBulk(burst, BURST);
        }
    }

    @Test
    void shouldReopenSameDeviceWhenClosedBefore()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(255))
        {
            final Port first = Port.open("net_ring1", ONE_QUEUE, pool);
            assertEquals("net_ring1", first.name());
            first.close();
            first.close();

            try (Port second = Port.open("net_ring1", ONE_QUEUE, pool); Arena arena = Arena.ofConfined())
            {
                final MemorySegment burst = arena.allocate(JAVA_LONG, 1);
                burst.set(JAVA_LONG, 0, pool.alloc());
                assertEquals(1, second.txBurst(0, burst, 1));
                assertEquals(1, second.rxBurst(0, burst, 1));
                pool.freeBulk(burst, 1);
            }
        }
    }

    @Test
    void shouldRefuseSecondOpenWhenDeviceIsAlreadyOpen()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(255); Port port = Port.open("net_ring2", ONE_QUEUE, pool))
        {
            final IllegalStateException ex =
                assertThrows(IllegalStateException.class, () -> Port.open("net_ring2", ONE_QUEUE, pool));

            assertTrue(ex.getMessage().contains("already open as port " + port.id()), ex.getMessage());
            assertEquals(LinkState.class, port.link().getClass());
        }
    }

    @Test
    void shouldNameDeviceAndDpdkErrorWhenDeviceStringIsBad()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(63))
        {
            final DpdkException unknown =
                assertThrows(DpdkException.class, () -> Port.open("no_such_driver0", ONE_QUEUE, pool));
            final DpdkException missingFile = assertThrows(DpdkException.class,
                () -> Port.open("net_pcap9,rx_pcap=/nonexistent/in.pcap", ONE_QUEUE, pool));

            assertTrue(unknown.getMessage().startsWith("cannot attach device 'no_such_driver0' (rte_dev_probe): "),
                unknown.getMessage());
            assertTrue(unknown.getMessage().contains("failed to parse device \"no_such_driver0\""), unknown.getMessage());
            assertTrue(unknown.error() < 0);
            assertTrue(missingFile.getMessage().contains("'net_pcap9,rx_pcap=/nonexistent/in.pcap'"),
                missingFile.getMessage());
            assertTrue(missingFile.dpdkLog().contains("/nonexistent/in.pcap"), missingFile.dpdkLog());
            assertThrows(IllegalArgumentException.class, () -> Port.open(" ", ONE_QUEUE, pool));
        }
    }

    @Test
    void shouldRejectBurstWhenQueueOrArrayDoesNotFit()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(63); Arena arena = Arena.ofConfined())
        {
            final Port port = Port.open("net_ring3", ONE_QUEUE, pool);
            final MemorySegment burst = arena.allocate(JAVA_LONG, 4);

            assertThrows(IllegalArgumentException.class, () -> port.rxBurst(1, burst, 4));
            assertThrows(IllegalArgumentException.class, () -> port.txBurst(-1, burst, 4));
            assertThrows(IllegalArgumentException.class, () -> port.rxBurst(0, burst, 5));
            assertThrows(IllegalArgumentException.class, () -> port.txBurst(0, burst, -1));
            assertEquals(0, port.rxBurst(0, burst, 4));

            port.close();
            final IllegalArgumentException closed =
                assertThrows(IllegalArgumentException.class, () -> port.rxBurst(0, burst, 4));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
            assertThrows(IllegalStateException.class, () -> port.stats(null));
        }
    }

    @Test
    void shouldReportUnicastLocallyAdministeredMacWhenDeviceIsNetNull()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(255); Port port = Port.open("net_null0", ONE_QUEUE, pool))
        {
            final MacAddress mac = port.macAddress();

            assertNotEquals(0L, mac.value());
            assertTrue(mac.isLocallyAdministered(), mac.toString());
            assertFalse(mac.isMulticast(), mac.toString());
            assertEquals(mac, port.macAddress());
        }
    }

    @Test
    void shouldReportLinkUpWhenNetNullPortIsStarted()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(255); Port port = Port.open("net_null1", ONE_QUEUE, pool))
        {
            final LinkState link = port.link();

            assertTrue(link.up());
            assertTrue(link.fullDuplex());
            assertEquals(10_000, link.speedMbps());
        }
    }

    @Test
    void shouldEnableRssWhenDeviceSupportsSeveralRxQueues()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(1023);
            Port port = Port.open("net_null2", new PortConfig(2, 2, 128, 128, true), pool))
        {
            assertEquals(2, port.config().rxQueues());
            assertEquals(2, port.config().txQueues());
            assertNotEquals(0L, port.rssHashFunctions());
            assertEquals(new PortConfig(2, 2, 128, 128, true), port.requestedConfig());
        }
    }

    @Test
    void shouldReceiveGeneratedPacketsFromEveryQueueWhenDeviceIsNetNull()
    {
        try (MbufPool pool = DpdkTestSupport.newPool(1023);
            Port port = Port.open("net_null3", new PortConfig(2, 1, 128, 128, false), pool);
            Arena arena = Arena.ofConfined())
        {
            final MemorySegment burst = arena.allocate(JAVA_LONG, 16);
            final Mbuf mbuf = new Mbuf();
            for (int queue = 0; queue < 2; queue++)
            {
                assertEquals(16, port.rxBurst(queue, burst, 16));
                assertEquals(64, mbuf.wrap(burst.getAtIndex(JAVA_LONG, 15)).dataLength());
                assertEquals(16, port.txBurst(0, burst, 16));
            }
            assertEquals(0, pool.inUseCount());
        }
    }
}
