package io.sluice.dataplane.pipeline;

import java.lang.foreign.MemorySegment;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.packet.ArpFlyweight;
import io.sluice.dataplane.packet.Checksums;
import io.sluice.dataplane.packet.EthernetFlyweight;
import io.sluice.dataplane.packet.Icmpv6Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putI64;
import static io.sluice.dataplane.packet.NetworkOrder.putMac;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU8;

/**
 * Answers ARP requests (RFC 826) and neighbour solicitations (RFC 4861) for the LB's addresses and
 * VIPs in place, and sends what the control plane learns from (ARP replies, gratuitous ARP
 * announcements (RFC 5227), neighbour advertisements) to the punt path. A virtual address (VRRP)
 * is answered with its virtual router's MAC while this LB is master, and not at all while it is
 * backup ({@link DropReason#STANDBY}).
 */
final class NeighbourResponder
{
    /** ff02::1, all nodes: destination of an NA answering a DAD probe. */
    private static final long ALL_NODES_HI = 0xFF02_0000_0000_0000L;
    private static final long ALL_NODES_LO = 1L;
    private static final int NA_LENGTH = Icmpv6Flyweight.ND_LENGTH + 8;
    private static final int ND_HOP_LIMIT = 255;

    /**
     * Handles an ARP message.
     *
     * @return {@link Verdict#REPLY} for a request for one of our addresses, {@link Verdict#PUNT} for a
     * reply (learning), a counted drop otherwise.
     */
    int onArp(
        final PacketContext ctx, final EthernetFlyweight eth, final ArpFlyweight arp, final ServiceSnapshot snapshot,
        final long portMac)
    {
        final int operation = arp.operation();
        if (operation == ArpFlyweight.OPERATION_REPLY)
        {
            return Verdict.PUNT;
        }
        final int target = arp.targetIp();
        if (operation != ArpFlyweight.OPERATION_REQUEST)
        {
            return ctx.drop(DropReason.ARP_NOT_OURS);
        }
        final long targetLo = FlowKey.ipv4MappedLo(target);
        final int kind = snapshot.kindOf(FlowKey.IPV4_MAPPED_HI, targetLo);
        if (kind == ServiceSnapshot.KIND_NONE || kind == ServiceSnapshot.KIND_STANDBY)
        {
            return arp.senderIp() == target ? Verdict.PUNT :
                ctx.drop(kind == ServiceSnapshot.KIND_STANDBY ? DropReason.STANDBY : DropReason.ARP_NOT_OURS);
        }
        final long replyMac = snapshot.replyMac(FlowKey.IPV4_MAPPED_HI, targetLo, portMac);
        final long requesterMac = arp.senderMac();
        final int requesterIp = arp.senderIp();
        ArpFlyweight.write(arp.address(), ArpFlyweight.OPERATION_REPLY, replyMac, target, requesterMac, requesterIp);
        EthernetFlyweight.writeMacs(eth.address(), eth.srcMac(), replyMac);
        return Verdict.REPLY;
    }

    /**
     * Handles an NS or NA (the caller checked {@link Icmpv6Flyweight#isNeighbourDiscovery()}).
     *
     * @return {@link Verdict#REPLY} for a solicitation of one of our addresses, {@link Verdict#PUNT}
     * for an advertisement (learning), a counted drop otherwise.
     */
    int onNeighbourDiscovery(
        final PacketContext ctx, final PacketBuffer packet, final EthernetFlyweight eth, final Ipv6Flyweight ip,
        final Icmpv6Flyweight icmp, final ServiceSnapshot snapshot, final long portMac)
    {
        if (ip.hopLimit() != ND_HOP_LIMIT || icmp.code() != 0)
        {
            return ctx.drop(DropReason.ND_NOT_OURS);
        }
        if (icmp.type() == Icmpv6Flyweight.TYPE_NEIGHBOUR_ADVERTISEMENT)
        {
            return Verdict.PUNT;
        }
        final long targetHi = icmp.targetHi();
        final long targetLo = icmp.targetLo();
        if (FlowKey.isIpv4Mapped(targetHi, targetLo) || !snapshot.ownsAddress(targetHi, targetLo))
        {
            return ctx.drop(snapshot.kindOf(targetHi, targetLo) == ServiceSnapshot.KIND_STANDBY ?
                DropReason.STANDBY : DropReason.ND_NOT_OURS);
        }
        final long replyMac = snapshot.replyMac(targetHi, targetLo, portMac);
        final int l2Length = eth.headerLength();
        final long l3 = ip.address();
        if (icmp.address() != l3 + Ipv6Flyweight.HEADER_LENGTH ||
            !packet.length(l2Length + Ipv6Flyweight.HEADER_LENGTH + NA_LENGTH))
        {
            return ctx.drop(DropReason.ND_NOT_OURS);
        }
        final boolean dad = ip.srcHi() == 0 && ip.srcLo() == 0;
        final long dstHi = dad ? ALL_NODES_HI : ip.srcHi();
        final long dstLo = dad ? ALL_NODES_LO : ip.srcLo();
        final long dstMac = dad ? 0x3333_0000_0001L : eth.srcMac();

        Ipv6Flyweight.write(l3, 0, 0, NA_LENGTH, Ipv6Flyweight.NEXT_ICMPV6, ND_HOP_LIMIT, targetHi, targetLo, dstHi, dstLo);
        final long na = l3 + Ipv6Flyweight.HEADER_LENGTH;
        putU16(na, Icmpv6Flyweight.TYPE_NEIGHBOUR_ADVERTISEMENT << 8);
        putU16(na + Icmpv6Flyweight.CHECKSUM_OFFSET, 0);
        putI32(na + 4, dad ? Icmpv6Flyweight.NA_FLAG_OVERRIDE : Icmpv6Flyweight.NA_FLAG_SOLICITED | Icmpv6Flyweight.NA_FLAG_OVERRIDE);
        putI64(na + Icmpv6Flyweight.TARGET_OFFSET, targetHi);
        putI64(na + Icmpv6Flyweight.TARGET_OFFSET + 8, targetLo);
        putU8(na + Icmpv6Flyweight.ND_LENGTH, Icmpv6Flyweight.OPTION_TARGET_LINK_ADDRESS);
        putU8(na + Icmpv6Flyweight.ND_LENGTH + 1, 1);
        putMac(na + Icmpv6Flyweight.ND_LENGTH + 2, replyMac);
        final long sum = Checksums.add(
            Checksums.ipv6PseudoHeader(l3, Ipv6Flyweight.NEXT_ICMPV6, NA_LENGTH), na, NA_LENGTH);
        putU16(na + Icmpv6Flyweight.CHECKSUM_OFFSET, Checksums.finish(sum));
        EthernetFlyweight.writeMacs(eth.address(), dstMac, replyMac);
        return Verdict.REPLY;
    }
}
