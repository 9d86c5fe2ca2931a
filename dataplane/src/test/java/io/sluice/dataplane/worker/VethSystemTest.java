package io.sluice.dataplane.worker;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.neighbour.NeighbourAgent;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.pipeline.IcmpResponder;
import io.sluice.dataplane.ring.FrameRing;
import io.sluice.dataplane.ring.WorkerCommandRing;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.service.SnapshotPublisher;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;
import io.sluice.dataplane.stats.DataplaneCounters;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.WorkerCounter;
import io.sluice.dpdk.DpdkTestSupport;
import io.sluice.dpdk.MacAddress;
import io.sluice.dpdk.MbufPool;
import io.sluice.dpdk.Port;
import io.sluice.dpdk.PortConfig;
import io.sluice.dpdk.PortStats;

import static io.sluice.dataplane.pipeline.Frames.TCP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real worker on DPDK's kernel-facing drivers, net_af_packet and net_af_xdp, bound to one end
 * of a veth pair whose other end is in a network namespace: the namespace's Linux kernel is the
 * peer, an implementation of ARP, ND and ICMP that owes nothing to Sluice.
 * <p>
 * The namespace holds the backend of two DSR services (one IPv4, one IPv6). The neighbour agent
 * must resolve it with its own ARP request and neighbour solicitation, sent through the worker's
 * inject ring, answered by the kernel and punted back by the worker. Then the namespace's kernel
 * pings both VIPs through the LB's own addresses: it must resolve them with ARP and ND (answered
 * by the worker) and get echo replies whose checksums it verifies itself (receive checksum offload
 * is off, and the kernel's own counters say so). Every received frame is accounted for by a
 * counter, and every mbuf the worker received or allocated returns to the pool.
 * <p>
 * af_xdp needs nothing this machine lacks: a veth with one queue each way (see
 * {@link TestNetwork}), the driver's defaults, and no bpffs (libxdp then loads its single default
 * program instead of a dispatcher, and says so on stderr).
 */
@Tag("dpdk")
class VethSystemTest
{
    private static final String LB_IPV4 = "10.99.0.2";
    private static final String LB_IPV6 = "2001:db8:99::2";
    private static final String BACKEND_IPV4 = "10.99.0.11";
    private static final String BACKEND_IPV6 = "2001:db8:99::11";
    private static final String VIP_IPV4 = "192.0.2.10";
    private static final String VIP_IPV6 = "2001:db8:100::10";
    private static final long RETRY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int POOL_SIZE = 4095;
    private static final int DESCRIPTORS = 512;
    private static final int JUMBO_MTU = 9000;
    private static final java.util.concurrent.atomic.AtomicInteger POOLS = new java.util.concurrent.atomic.AtomicInteger();

    /** A DPDK driver that reaches a Linux interface, and the names its test network uses. */
    enum Driver
    {
        /** Copies frames between mbufs and a PACKET_MMAP ring: holds no mbuf between calls. */
        AF_PACKET("net_af_packet50", "slv-ap", false),
        /**
         * Lends the pool's mbufs to the kernel as the XDP socket's UMEM: it fills the socket's fill
         * ring with them when the queue is set up and, in DPDK 22.11 as upstream, does not take
         * them back when the port closes (eth_dev_close deletes the socket and UMEM only), so the
         * pool regains them only when it is freed.
         */
        AF_XDP("net_af_xdp51", "slv-ax", true);

        private final String deviceName;
        private final String networkName;
        private final boolean keepsFillRingAfterClose;

        Driver(final String deviceName, final String networkName, final boolean keepsFillRingAfterClose)
        {
            this.deviceName = deviceName;
            this.networkName = networkName;
            this.keepsFillRingAfterClose = keepsFillRingAfterClose;
        }

        String device(final String hostInterface)
        {
            return deviceName + ",iface=" + hostInterface;
        }
    }

    private final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 100_000);
    private TestNetwork network;
    private MbufPool pool;
    private Port port;
    private FlowTable flows;
    private WorkerAgent worker;
    private NeighbourAgent neighbourAgent;
    private NeighbourTable neighbours;
    private int driverMbufs;
    private DataplaneCounters counters;

    @ParameterizedTest
    @EnumSource(Driver.class)
    void shouldResolveTheKernelPeerAndAnswerItsPingsWhenDriverIs(final Driver driver) throws Exception
    {
        network = TestNetwork.create(driver.networkName, driver.networkName + "0", driver.networkName + "1",
            BACKEND_IPV4 + "/24", BACKEND_IPV6 + "/64");
        network.route(VIP_IPV4 + "/32", LB_IPV4);
        network.route(VIP_IPV6 + "/128", LB_IPV6);
        start(driver);
        final MacAddress lbMac = port.macAddress();
        assertEquals(network.hostMac(), lbMac.toString(), "the port's MAC is the veth's");

        final String peerMac = network.peerMac();
        assertTrue(stepUntil(() -> resolved(BACKEND_IPV4) && resolved(BACKEND_IPV6)),
            "backends not resolved: " + describe());
        assertEquals(peerMac, neighbourMac(BACKEND_IPV4), "MAC learned by ARP");
        assertEquals(peerMac, neighbourMac(BACKEND_IPV6), "MAC learned by ND");
        assertEquals(0, neighbourAgent.requestsFailed());
        assertTrue(neighbourAgent.learned() >= 2, describe());

        network.flushNeighbours();
        assertNull(network.neighbourMac(LB_IPV4), "the kernel forgot the LB's MAC");
        assertNull(network.neighbourMac(LB_IPV6), "the kernel forgot the LB's MAC");
        final long repliedBefore = counters.get(WorkerCounter.REPLIED);
        assertPingAnswered(VIP_IPV4, "-4");
        assertPingAnswered(VIP_IPV6, "-6");
        assertEquals(lbMac.toString(), network.neighbourMac(LB_IPV4), "the kernel learned the LB's MAC from its ARP reply");
        assertEquals(lbMac.toString(), network.neighbourMac(LB_IPV6), "the kernel learned the LB's MAC from its NA");
        assertTrue(counters.get(WorkerCounter.REPLIED) - repliedBefore >= 4,
            "an ARP reply, an NA and two echo replies: " + describe());
        assertKernelVerifiedTheReplies();

        worker.onClose();
        worker = null;
        reclaimTransmitted();
        assertEquals(driverMbufs, pool.inUseCount(), "the worker returned every mbuf it received or allocated");
        assertCountersAddUp(port.stats(null));
        port.close();
        port = null;
        assertEquals(driver.keepsFillRingAfterClose ? driverMbufs : 0, pool.inUseCount(),
            "every mbuf but those DPDK's driver keeps returned to the pool after close");
    }

    /**
     * A 4,000-byte ping on a veth with a 9,000-byte MTU: DPDK's af_packet driver cuts every frame
     * to its ring frame size (2,048 bytes by default, about 1,980 of packet), so the dataplane
     * opens the port with ring frames and mbufs sized from the MTU ({@link FrameSizing}), as
     * {@link Dataplane} does; the echo must come back whole.
     */
    @Test
    void shouldAnswerAFourThousandBytePingWholeWhenAfPacketIsSizedForAJumboMtu() throws Exception
    {
        network = TestNetwork.create("slv-jp", "slv-jp0", "slv-jp1", BACKEND_IPV4 + "/24", BACKEND_IPV6 + "/64");
        network.mtu(JUMBO_MTU);
        network.route(VIP_IPV4 + "/32", LB_IPV4);
        final FrameSizing frames = FrameSizing.of("net_af_packet52,iface=" + network.hostInterface(), JUMBO_MTU);
        start(frames.device(), JUMBO_MTU, frames.dataRoomSize());
        assertTrue(stepUntil(() -> resolved(BACKEND_IPV4)), "backend not resolved: " + describe());

        final Process ping = network.startInNamespace("ping", "-4", "-n", "-c", "1", "-w", "5", "-M", "do", "-s", "3972", VIP_IPV4);
        assertTrue(stepUntil(() -> !ping.isAlive()), "ping still running: " + describe());
        final String output = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ping.waitFor(), "ping failed: " + output + describe());
        assertTrue(output.contains("3980 bytes from " + VIP_IPV4), output);
        assertEquals(0, counters.get(DropReason.MALFORMED_IPV4), "no frame was cut short: " + describe());
        assertKernelVerifiedTheIpv4Reply();
    }

    private void assertKernelVerifiedTheIpv4Reply()
    {
        assertEquals(0, network.kernelCounter("IpExtInCsumErrors"));
        assertEquals(0, network.kernelCounter("IcmpInCsumErrors"));
        assertTrue(network.kernelCounter("IcmpInEchoReps") >= 1, "the kernel's ICMP layer accepted the echo reply");
    }

    private void start(final Driver driver)
    {
        start(driver.device(network.hostInterface()), DataplaneSettings.DEFAULT_MTU, MbufPool.DEFAULT_DATA_ROOM_SIZE);
    }

    private void start(final String device, final int mtu, final int dataRoomSize)
    {
        neighbours = new NeighbourTable(16);
        final DataplaneSettings settings = DataplaneSettings.of(
            List.of(IpAddress.parse(LB_IPV4), IpAddress.parse(LB_IPV6)), List.of(), List.of()).withMtu(mtu);
        final SnapshotPublisher snapshots = new SnapshotPublisher(ServiceSnapshotBuilder.build(settings,
            List.of(dsrService(VIP_IPV4, BACKEND_IPV4), dsrService(VIP_IPV6, BACKEND_IPV6)), neighbours));
        DpdkTestSupport.eal();
        pool = MbufPool.create("veth_pool_" + POOLS.incrementAndGet(), POOL_SIZE, 0, dataRoomSize);
        port = Port.open(device, new PortConfig(1, 1, DESCRIPTORS, DESCRIPTORS, false), pool);
        driverMbufs = pool.inUseCount();
        final long portMac = port.macAddress().value();
        flows = new FlowTable(1 << 10, TimeUnit.SECONDS.toNanos(1));
        counters = new DataplaneCounters();
        final FrameRing puntRing = new FrameRing(1 << 16);
        final WorkerCommandRing injectRing = new WorkerCommandRing(1 << 16);
        worker = new WorkerAgent(0, DpdkTestSupport.eal(), port, 0, pool, portMac,
            TestPipelines.of(flows, neighbours, counters), snapshots,
            puntRing, injectRing, SystemNanoClock.INSTANCE, 32, 16);
        worker.onStart();
        neighbourAgent = new NeighbourAgent(neighbours, List.of(puntRing), injectRing, snapshots, SystemNanoClock.INSTANCE,
            portMac, RETRY_INTERVAL_NS, NeighbourAgent.DEFAULT_REFRESH_INTERVAL_NS, null);
    }

    private static ServiceSpec dsrService(final String vip, final String backend)
    {
        return new ServiceSpec(IpAddress.parse(vip), 80, TCP, ForwardingMode.DSR,
            List.of(new ServiceSpec.BackendSpec(IpAddress.parse(backend), 1)), 65537,
            TimeUnit.SECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(30));
    }

    /**
     * net_af_xdp frees a sent mbuf only when a later transmit call reaps the socket's completion
     * ring; an empty transmit call reaps what the last burst left there (and does nothing on
     * net_af_packet, which frees every mbuf as it copies it out).
     */
    private void reclaimTransmitted()
    {
        try (Arena arena = Arena.ofConfined())
        {
            assertEquals(0, port.txBurst(0, arena.allocate(ValueLayout.JAVA_LONG), 0));
        }
    }

    private boolean resolved(final String address)
    {
        return neighbours.mac(neighbours.indexOf(IpAddress.parse(address))) != NeighbourTable.UNRESOLVED;
    }

    private String neighbourMac(final String address)
    {
        return new MacAddress(neighbours.mac(neighbours.indexOf(IpAddress.parse(address)))).toString();
    }

    private void assertPingAnswered(final String vip, final String family) throws Exception
    {
        final Process ping = network.startInNamespace("ping", family, "-n", "-c", "1", "-w", "5", vip);
        assertTrue(stepUntil(() -> !ping.isAlive()), "ping " + vip + " still running: " + describe());
        final String output = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ping.waitFor(), "ping " + vip + " failed: " + output + describe());
        assertTrue(output.contains("from " + vip), output);
    }

    /**
     * ping reads replies from a raw socket, which gets them before the kernel's ICMP layer checks
     * their checksum, so a successful ping alone does not prove the checksum right: the kernel's
     * own counters do.
     */
    private void assertKernelVerifiedTheReplies()
    {
        for (final String checksumErrors : List.of("IpExtInCsumErrors", "IcmpInCsumErrors", "Icmp6InCsumErrors"))
        {
            assertEquals(0, network.kernelCounter(checksumErrors), checksumErrors + " in the namespace");
        }
        assertTrue(network.kernelCounter("IcmpInEchoReps") >= 1, "the kernel's ICMP layer accepted the echo reply");
        assertTrue(network.kernelCounter("Icmp6InEchoReplies") >= 1, "the kernel's ICMPv6 layer accepted the echo reply");
        assertTrue(network.kernelCounter("Icmp6InNeighborAdvertisements") >= 1, "the kernel's ND accepted the LB's NA");
    }

    /** Steps the worker and the neighbour agent on this thread until done or the deadline. */
    private boolean stepUntil(final BooleanSupplier done)
    {
        final long deadlineNs = System.nanoTime() + DEADLINE_NS;
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
            idle.idle(worker.doWork() + neighbourAgent.doWork());
        }
        return true;
    }

    private void assertCountersAddUp(final PortStats portStats)
    {
        final long rx = counters.get(WorkerCounter.RX_PACKETS);
        assertEquals(rx, counters.get(WorkerCounter.FORWARDED) + counters.get(WorkerCounter.REPLIED) +
            counters.get(WorkerCounter.PUNTED) + counters.dropsByReason(), "rx = forwarded + replied + punted + drops: " + describe());
        assertEquals(counters.dropsByReason(), counters.get(WorkerCounter.DROPPED), describe());
        assertEquals(counters.get(WorkerCounter.INJECTED) + counters.get(WorkerCounter.FORWARDED) +
            counters.get(WorkerCounter.REPLIED), counters.get(WorkerCounter.TX_PACKETS), "tx = injected + forwarded + replied");
        assertEquals(0, counters.get(WorkerCounter.INJECT_FAILED));
        assertEquals(0, counters.get(DropReason.TX_QUEUE_FULL));
        assertEquals(0, counters.get(DropReason.PUNT_QUEUE_FULL));
        assertEquals(neighbourAgent.requestsSent(), counters.get(WorkerCounter.INJECTED), "every request transmitted");
        assertNotEquals(0, rx);
        assertEquals(portStats.rxPackets(), rx, "the driver's rx count: " + portStats);
        assertEquals(portStats.txPackets(), counters.get(WorkerCounter.TX_PACKETS), "the driver's tx count: " + portStats);
    }

    private String describe()
    {
        final StringBuilder text = new StringBuilder("\n");
        for (int i = 0; i < WorkerCounter.count(); i++)
        {
            text.append(WorkerCounter.of(i).label()).append('=').append(counters.get(WorkerCounter.of(i))).append(' ');
        }
        text.append("\ndrops:");
        for (int i = 0; i < DropReason.count(); i++)
        {
            final long drops = counters.get(DropReason.of(i));
            if (drops != 0)
            {
                text.append(' ').append(DropReason.of(i).label()).append('=').append(drops);
            }
        }
        if (neighbourAgent != null)
        {
            text.append("\nneighbour agent: learned=").append(neighbourAgent.learned()).append(" sent=")
                .append(neighbourAgent.requestsSent()).append(" failed=").append(neighbourAgent.requestsFailed())
                .append(" ignored=").append(neighbourAgent.ignored());
        }
        return text.toString();
    }

    /** Closes the worker and the port if the test did not get as far as closing them itself. */
    private void stop()
    {
        try
        {
            if (worker != null)
            {
                worker.onClose();
            }
        }
        finally
        {
            worker = null;
            try
            {
                if (port != null)
                {
                    port.close();
                }
            }
            finally
            {
                port = null;
            }
        }
    }

    @AfterEach
    void tearDown()
    {
        try
        {
            stop();
        }
        finally
        {
            try
            {
                closeTheRest();
            }
            finally
            {
                if (network != null)
                {
                    network.close();
                }
            }
        }
    }

    private void closeTheRest()
    {
        if (neighbourAgent != null)
        {
            neighbourAgent.onClose();
        }
        if (flows != null)
        {
            flows.close();
        }
        if (pool != null)
        {
            pool.close();
        }
    }
}
