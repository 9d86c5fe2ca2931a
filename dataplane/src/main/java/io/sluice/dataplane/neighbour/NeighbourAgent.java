package io.sluice.dataplane.neighbour;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.packet.ArpFlyweight;
import io.sluice.dataplane.packet.Checksums;
import io.sluice.dataplane.packet.EthernetFlyweight;
import io.sluice.dataplane.packet.Icmpv6Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.worker.FrameRing;
import io.sluice.dataplane.worker.SnapshotPublisher;

import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putI64;
import static io.sluice.dataplane.packet.NetworkOrder.putMac;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU8;

/**
 * The control-side owner of the {@link NeighbourTable}: learns MACs from the ARP replies and
 * neighbour advertisements the workers punt, and resolves every registered next hop with the
 * dataplane's own ARP requests and neighbour solicitations, sent through a worker's inject ring.
 * Unresolved neighbours are asked every {@code retryIntervalNs}; resolved ones are refreshed after
 * {@code refreshIntervalNs} (the old MAC stays in use meanwhile). Static entries are never asked.
 * <p>
 * Punted frames that are not neighbour traffic go to an optional handler (VRRP and management
 * traffic belong to other parts of the control plane) or are counted as ignored.
 */
public final class NeighbourAgent implements Agent, FrameRing.FrameHandler
{
    /** Default interval between requests for an unresolved neighbour. */
    public static final long DEFAULT_RETRY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Default age after which a resolved neighbour is asked again. */
    public static final long DEFAULT_REFRESH_INTERVAL_NS = TimeUnit.SECONDS.toNanos(30);
    private static final int PUNT_LIMIT = 64;
    private static final int ARP_FRAME_LENGTH = 60;
    private static final int NS_LENGTH = Icmpv6Flyweight.ND_LENGTH + 8;

    private final NeighbourTable table;
    private final List<FrameRing> puntRings;
    private final FrameRing injectRing;
    private final SnapshotPublisher snapshots;
    private final NanoClock clock;
    private final long portMac;
    private final long retryIntervalNs;
    private final long refreshIntervalNs;
    private final FrameRing.FrameHandler otherPunts;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(128);
    private final long scratchAddress = scratch.address();
    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv6Flyweight ipv6 = new Ipv6Flyweight();
    private final Icmpv6Flyweight icmpv6 = new Icmpv6Flyweight();

    private long learned;
    private long requestsSent;
    private long requestsFailed;
    private long ignored;
    private long nowNs;

    /**
     * @param table             the neighbour table this agent writes.
     * @param puntRings         every worker's punt ring.
     * @param injectRing        the inject ring of the worker that sends the requests.
     * @param snapshots         source of the LB's own addresses (request sources).
     * @param clock             the clock.
     * @param portMac           MAC of the port requests leave by.
     * @param retryIntervalNs   interval between requests for an unresolved neighbour.
     * @param refreshIntervalNs age after which a resolved neighbour is asked again.
     * @param otherPunts        handler for other punted frames, or null to count them as ignored.
     */
    public NeighbourAgent(
        final NeighbourTable table, final List<FrameRing> puntRings, final FrameRing injectRing,
        final SnapshotPublisher snapshots, final NanoClock clock, final long portMac, final long retryIntervalNs,
        final long refreshIntervalNs, final FrameRing.FrameHandler otherPunts)
    {
        this.table = table;
        this.puntRings = List.copyOf(puntRings);
        this.injectRing = injectRing;
        this.snapshots = snapshots;
        this.clock = clock;
        this.portMac = portMac;
        this.retryIntervalNs = retryIntervalNs;
        this.refreshIntervalNs = refreshIntervalNs;
        this.otherPunts = otherPunts;
    }

    /** {@inheritDoc} */
    @Override
    public int doWork()
    {
        nowNs = clock.nanoTime();
        int work = 0;
        for (int i = 0; i < puntRings.size(); i++)
        {
            work += puntRings.get(i).drain(this, PUNT_LIMIT);
        }
        for (int index = 0; index < table.size(); index++)
        {
            if (table.isActive(index) && !table.isStatic(index) && due(index))
            {
                table.requestedNs(index, nowNs);
                if (sendRequest(table.address(index)))
                {
                    requestsSent++;
                }
                else
                {
                    requestsFailed++;
                }
                work++;
            }
        }
        return work;
    }

    private boolean due(final int index)
    {
        final long requested = table.requestedNs(index);
        final boolean askedRecently = requested != 0 && nowNs - requested < retryIntervalNs;
        if (askedRecently)
        {
            return false;
        }
        final boolean resolved = table.mac(index) != NeighbourTable.UNRESOLVED;
        return !resolved || nowNs - table.updatedNs(index) >= refreshIntervalNs;
    }

    /** Learns from one punted frame, or passes it on. */
    @Override
    public void onFrame(final MemorySegment segment, final long offset, final int length)
    {
        final long frame = segment.address() + offset;
        if (ethernet.wrap(frame, length))
        {
            final long l3 = frame + ethernet.headerLength();
            final int l3Length = length - ethernet.headerLength();
            if (ethernet.etherType() == EthernetFlyweight.ETHER_TYPE_ARP && arp.wrap(l3, l3Length))
            {
                learnCount(table.learn(FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(arp.senderIp()), false, arp.senderMac(), nowNs));
                return;
            }
            if (ethernet.etherType() == EthernetFlyweight.ETHER_TYPE_IPV6 && ipv6.wrap(l3, l3Length) &&
                ipv6.upperProtocol() == Ipv6Flyweight.NEXT_ICMPV6 &&
                icmpv6.wrap(ipv6.upperOffset(), ipv6.upperLength()) && icmpv6.isNeighbourDiscovery() &&
                icmpv6.type() == Icmpv6Flyweight.TYPE_NEIGHBOUR_ADVERTISEMENT)
            {
                final long mac = icmpv6.linkAddressOption(Icmpv6Flyweight.OPTION_TARGET_LINK_ADDRESS);
                learnCount(mac >= 0 && table.learn(icmpv6.targetHi(), icmpv6.targetLo(), true, mac, nowNs));
                return;
            }
        }
        if (otherPunts != null)
        {
            otherPunts.onFrame(segment, offset, length);
        }
        else
        {
            ignored++;
        }
    }

    private void learnCount(final boolean updated)
    {
        if (updated)
        {
            learned++;
        }
        else
        {
            ignored++;
        }
    }

    private boolean sendRequest(final IpAddress target)
    {
        final IpAddress source = sourceFor(target.ipv6());
        if (target.ipv6())
        {
            return source != null && injectRing.offer(scratch, 0, writeSolicitation(source, target));
        }
        final int sourceIp = source == null ? 0 : source.ipv4();
        scratch.fill((byte)0);
        EthernetFlyweight.writeUntagged(scratchAddress + 0, EthernetFlyweight.BROADCAST_MAC, portMac, EthernetFlyweight.ETHER_TYPE_ARP);
        ArpFlyweight.write(scratchAddress + EthernetFlyweight.HEADER_LENGTH, ArpFlyweight.OPERATION_REQUEST, portMac, sourceIp, 0, target.ipv4());
        return injectRing.offer(scratch, 0, ARP_FRAME_LENGTH);
    }

    private int writeSolicitation(final IpAddress source, final IpAddress target)
    {
        final long groupLo = 0x0000_0001_FF00_0000L | (target.lo() & 0xFF_FFFFL);
        final long groupMac = 0x3333_FF00_0000L | (target.lo() & 0xFF_FFFFL);
        EthernetFlyweight.writeUntagged(scratchAddress + 0, groupMac, portMac, EthernetFlyweight.ETHER_TYPE_IPV6);
        final long l3 = EthernetFlyweight.HEADER_LENGTH;
        Ipv6Flyweight.write(scratchAddress + l3, 0, 0, NS_LENGTH, Ipv6Flyweight.NEXT_ICMPV6, 255, source.hi(), source.lo(),
            0xFF02_0000_0000_0000L, groupLo);
        final long ns = l3 + Ipv6Flyweight.HEADER_LENGTH;
        putU16(scratchAddress + ns, Icmpv6Flyweight.TYPE_NEIGHBOUR_SOLICITATION << 8);
        putU16(scratchAddress + ns + Icmpv6Flyweight.CHECKSUM_OFFSET, 0);
        putI32(scratchAddress + ns + 4, 0);
        putI64(scratchAddress + ns + Icmpv6Flyweight.TARGET_OFFSET, target.hi());
        putI64(scratchAddress + ns + Icmpv6Flyweight.TARGET_OFFSET + 8, target.lo());
        putU8(scratchAddress + ns + Icmpv6Flyweight.ND_LENGTH, Icmpv6Flyweight.OPTION_SOURCE_LINK_ADDRESS);
        putU8(scratchAddress + ns + Icmpv6Flyweight.ND_LENGTH + 1, 1);
        putMac(scratchAddress + ns + Icmpv6Flyweight.ND_LENGTH + 2, portMac);
        final long sum = Checksums.add(Checksums.ipv6PseudoHeader(scratchAddress + l3, Ipv6Flyweight.NEXT_ICMPV6, NS_LENGTH), scratchAddress + ns, NS_LENGTH);
        putU16(scratchAddress + ns + Icmpv6Flyweight.CHECKSUM_OFFSET, Checksums.finish(sum));
        return (int)(ns + NS_LENGTH);
    }

    private IpAddress sourceFor(final boolean ipv6Family)
    {
        for (final IpAddress address : snapshots.current().settings().localAddresses())
        {
            if (address.ipv6() == ipv6Family)
            {
                return address;
            }
        }
        return null;
    }

    /** {@inheritDoc} */
    @Override
    public void onClose()
    {
        arena.close();
    }

    /** {@inheritDoc} */
    @Override
    public String roleName()
    {
        return "sluice-neighbours";
    }

    /** @return neighbour entries learned or confirmed from the wire. */
    public long learned()
    {
        return learned;
    }

    /** @return requests handed to the inject ring. */
    public long requestsSent()
    {
        return requestsSent;
    }

    /** @return requests that found the inject ring full or had no source address of their family. */
    public long requestsFailed()
    {
        return requestsFailed;
    }

    /** @return punted frames that taught nothing and had no other handler. */
    public long ignored()
    {
        return ignored;
    }
}
