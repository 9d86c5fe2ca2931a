package io.sluice.dataplane.neighbour;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
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
import io.sluice.dataplane.ring.FrameRing;
import io.sluice.dataplane.ring.WorkerCommandRing;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.SnapshotPublisher;

import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putI64;
import static io.sluice.dataplane.packet.NetworkOrder.putMac;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU8;

/**
 * The control-side owner of the {@link NeighbourTable}: learns MACs from the ARP replies and
 * neighbour advertisements the workers punt, and resolves every next hop in use with the
 * dataplane's own ARP requests and neighbour solicitations, sent through a worker's inject ring.
 * <p>
 * Requests follow a {@link NeighbourPolicy}: an unresolved entry is asked with exponential backoff;
 * a resolved one is refreshed when it ages, with a few quick probes, and becomes stale (the old MAC
 * stays in use) when they go unanswered. A token bucket caps the requests over all entries and
 * spreads them (never more than {@link #BURST_WINDOW_NS} worth at once); entries are visited in
 * turn from where the previous round stopped, so no set of addresses can starve the others. Static
 * entries are never asked.
 * <p>
 * Punted frames that are not neighbour traffic go to an optional handler (VRRP and management
 * traffic belong to other parts of the control plane) or are counted as ignored.
 */
public final class NeighbourAgent implements Agent, FrameRing.FrameHandler
{
    /** Default interval between requests for an unresolved neighbour (before backoff). */
    public static final long DEFAULT_RETRY_INTERVAL_NS = NeighbourPolicy.DEFAULT_RETRY_INTERVAL_NS;
    /** Default age after which a resolved neighbour is asked again. */
    public static final long DEFAULT_REFRESH_INTERVAL_NS = NeighbourPolicy.DEFAULT_REFRESH_INTERVAL_NS;
    /** The most request budget that can build up: requests beyond it wait for the next rounds. */
    public static final long BURST_WINDOW_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int PUNT_LIMIT = 64;
    private static final int SCAN_LIMIT = 4096;
    private static final int ARP_FRAME_LENGTH = 60;
    private static final int NS_LENGTH = Icmpv6Flyweight.ND_LENGTH + 8;

    private final NeighbourTable table;
    private final List<FrameRing> puntRings;
    private final WorkerCommandRing injectRing;
    private final SnapshotPublisher snapshots;
    private final NanoClock clock;
    private final long portMac;
    private final NeighbourPolicy policy;
    private final long requestCostNs;
    private final long maxBudgetNs;
    private final NeighbourCounters counters;
    private final FrameRing.FrameHandler otherPunts;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(128);
    private final long scratchAddress = scratch.address();
    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv6Flyweight ipv6 = new Ipv6Flyweight();
    private final Icmpv6Flyweight icmpv6 = new Icmpv6Flyweight();

    private long nowNs;
    private long lastRefillNs;
    private long budgetNs;
    private int cursor;
    private long ignored;

    /**
     * An agent with the default policy, unpublished counters and the given intervals.
     *
     * @param table             the neighbour table this agent writes.
     * @param puntRings         every worker's punt ring.
     * @param injectRing        the inject ring of the worker that sends the requests.
     * @param snapshots         source of the LB's own addresses (request sources).
     * @param clock             the clock.
     * @param portMac           MAC of the port requests leave by.
     * @param retryIntervalNs   first interval between requests for an unresolved neighbour.
     * @param refreshIntervalNs age after which a resolved neighbour is asked again.
     * @param otherPunts        handler for other punted frames, or null to count them as ignored.
     */
    public NeighbourAgent(
        final NeighbourTable table, final List<FrameRing> puntRings, final WorkerCommandRing injectRing,
        final SnapshotPublisher snapshots, final NanoClock clock, final long portMac, final long retryIntervalNs,
        final long refreshIntervalNs, final FrameRing.FrameHandler otherPunts)
    {
        this(table, puntRings, injectRing, snapshots, clock, portMac, new NeighbourPolicy(retryIntervalNs,
            Math.max(retryIntervalNs, NeighbourPolicy.DEFAULT_MAX_RETRY_INTERVAL_NS), refreshIntervalNs,
            NeighbourPolicy.DEFAULT_PROBES, NeighbourPolicy.DEFAULT_REQUESTS_PER_SECOND), new NeighbourCounters(null, 0), otherPunts);
    }

    /**
     * @param table      the neighbour table this agent writes.
     * @param puntRings  every worker's punt ring.
     * @param injectRing the inject ring of the worker that sends the requests.
     * @param snapshots  source of the LB's own addresses (request sources).
     * @param clock      the clock.
     * @param portMac    MAC of the port requests leave by.
     * @param policy     when to ask, and how many requests per second at most.
     * @param counters   where the counters go.
     * @param otherPunts handler for other punted frames, or null to count them as ignored.
     */
    public NeighbourAgent(
        final NeighbourTable table, final List<FrameRing> puntRings, final WorkerCommandRing injectRing,
        final SnapshotPublisher snapshots, final NanoClock clock, final long portMac, final NeighbourPolicy policy,
        final NeighbourCounters counters, final FrameRing.FrameHandler otherPunts)
    {
        this.table = table;
        this.puntRings = List.copyOf(puntRings);
        this.injectRing = injectRing;
        this.snapshots = snapshots;
        this.clock = clock;
        this.portMac = portMac;
        this.policy = policy;
        this.requestCostNs = TimeUnit.SECONDS.toNanos(1) / policy.requestsPerSecond();
        this.maxBudgetNs = Math.max(requestCostNs, BURST_WINDOW_NS);
        this.counters = counters;
        this.otherPunts = otherPunts;
        this.lastRefillNs = clock.nanoTime();
        this.budgetNs = requestCostNs;
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
        work += resolve();
        publishCounters();
        return work;
    }

    /**
     * One round of requests: visits up to {@link #SCAN_LIMIT} entries from the cursor, asks those
     * due while the budget lasts, and leaves the cursor at the first one the budget could not serve.
     */
    private int resolve()
    {
        refill();
        final int limit = table.highWater();
        final int scan = Math.min(limit, SCAN_LIMIT);
        int work = 0;
        int resumeAt = -1;
        for (int i = 0; i < scan; i++)
        {
            final int index = cursor < limit ? cursor : 0;
            cursor = index + 1;
            if (!table.isActive(index) || table.isStatic(index) || !due(index))
            {
                continue;
            }
            if (budgetNs < requestCostNs)
            {
                if (!table.deferred(index))
                {
                    table.deferred(index, true);
                    counters.increment(NeighbourCounter.REQUESTS_SUPPRESSED);
                }
                resumeAt = resumeAt < 0 ? index : resumeAt;
                continue;
            }
            budgetNs -= requestCostNs;
            ask(index);
            work++;
        }
        if (resumeAt >= 0)
        {
            cursor = resumeAt;
        }
        return work;
    }

    private void refill()
    {
        final long elapsedNs = nowNs - lastRefillNs;
        lastRefillNs = nowNs;
        if (elapsedNs > 0)
        {
            budgetNs = Math.min(maxBudgetNs, budgetNs + Math.min(elapsedNs, maxBudgetNs));
        }
    }

    private boolean due(final int index)
    {
        switch (table.state(index))
        {
            case NeighbourTable.REACHABLE:
                if (nowNs - table.updatedNs(index) < policy.refreshIntervalNs())
                {
                    return false;
                }
                table.state(index, NeighbourTable.PROBE);
                table.attempts(index, 0);
                table.nextRequestNs(index, nowNs);
                return true;
            case NeighbourTable.INCOMPLETE:
                return table.attempts(index) == 0 || nowNs - table.nextRequestNs(index) >= 0;
            case NeighbourTable.PROBE:
            case NeighbourTable.STALE:
                return nowNs - table.nextRequestNs(index) >= 0;
            default:
                return false;
        }
    }

    private void ask(final int index)
    {
        final int state = table.state(index);
        if (state == NeighbourTable.PROBE && table.attempts(index) >= policy.probes())
        {
            table.state(index, NeighbourTable.STALE);
            table.attempts(index, 0);
            table.sinceNs(index, nowNs);
        }
        else if (state == NeighbourTable.INCOMPLETE && table.attempts(index) == 0)
        {
            table.sinceNs(index, nowNs);
        }
        final int attempts = table.attempts(index) + 1;
        table.attempts(index, attempts);
        table.deferred(index, false);
        table.nextRequestNs(index, nowNs +
            (table.state(index) == NeighbourTable.PROBE ? policy.retryIntervalNs() : policy.backoffNs(attempts)));
        if (sendRequest(table.address(index)))
        {
            counters.increment(NeighbourCounter.REQUESTS_SENT);
        }
        else
        {
            counters.increment(NeighbourCounter.REQUESTS_FAILED);
        }
    }

    private void publishCounters()
    {
        counters.set(NeighbourCounter.RESOLVED, table.count(NeighbourTable.REACHABLE) + table.count(NeighbourTable.PROBE));
        counters.set(NeighbourCounter.INCOMPLETE, table.count(NeighbourTable.INCOMPLETE));
        counters.set(NeighbourCounter.STALE, table.count(NeighbourTable.STALE));
        counters.set(NeighbourCounter.STATIC, table.count(NeighbourTable.STATIC));
        counters.set(NeighbourCounter.RETIRED, table.retired());
        counters.set(NeighbourCounter.CAPACITY, table.capacity());
        counters.set(NeighbourCounter.RECLAIMED, table.reclaimed());
        counters.publish();
    }

    /**
     * Every registered entry as it stands now: for an operator's listing. Control thread only
     * (submit it to the control thread from elsewhere).
     *
     * @return the entries, in slot order.
     */
    public List<NeighbourEntry> entries()
    {
        final long now = clock.nanoTime();
        final List<NeighbourEntry> entries = new ArrayList<>(table.size());
        for (int index = 0; index < table.highWater(); index++)
        {
            if (table.isRegistered(index))
            {
                final int state = table.state(index);
                final boolean unresolved = state == NeighbourTable.INCOMPLETE || state == NeighbourTable.STALE;
                final boolean asked = unresolved && (state == NeighbourTable.STALE || table.attempts(index) > 0);
                entries.add(new NeighbourEntry(table.address(index), NeighbourTable.stateName(state), table.mac(index),
                    !table.isActive(index), asked ? Math.max(0, now - table.sinceNs(index)) : 0, table.attempts(index)));
            }
        }
        return entries;
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
            counters.increment(NeighbourCounter.LEARNED);
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
            return source != null && injectRing.offerFrame(scratch, 0, writeSolicitation(source, target));
        }
        final int sourceIp = source == null ? 0 : source.ipv4();
        scratch.fill((byte)0);
        EthernetFlyweight.writeUntagged(scratchAddress + 0, EthernetFlyweight.BROADCAST_MAC, portMac, EthernetFlyweight.ETHER_TYPE_ARP);
        ArpFlyweight.write(scratchAddress + EthernetFlyweight.HEADER_LENGTH, ArpFlyweight.OPERATION_REQUEST, portMac, sourceIp, 0, target.ipv4());
        return injectRing.offerFrame(scratch, 0, ARP_FRAME_LENGTH);
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
        return counters.get(NeighbourCounter.LEARNED);
    }

    /** @return requests handed to the inject ring. */
    public long requestsSent()
    {
        return counters.get(NeighbourCounter.REQUESTS_SENT);
    }

    /** @return requests that found the inject ring full, or neighbour solicitations with no IPv6 source address (an ARP request goes out from 0.0.0.0). */
    public long requestsFailed()
    {
        return counters.get(NeighbourCounter.REQUESTS_FAILED);
    }

    /** @return due requests that had to wait for the rate cap, each counted once. */
    public long requestsSuppressed()
    {
        return counters.get(NeighbourCounter.REQUESTS_SUPPRESSED);
    }

    /** @return punted frames that taught nothing and had no other handler. */
    public long ignored()
    {
        return ignored;
    }
}
