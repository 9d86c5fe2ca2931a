package io.sluice.dataplane.pipeline;

import java.lang.foreign.MemorySegment;

import io.sluice.dataplane.packet.Checksums;
import io.sluice.dataplane.packet.EthernetFlyweight;
import io.sluice.dataplane.packet.IcmpFlyweight;
import io.sluice.dataplane.packet.Icmpv6Flyweight;
import io.sluice.dataplane.packet.Ipv4Flyweight;
import io.sluice.dataplane.packet.Ipv6Flyweight;
import io.sluice.dataplane.packet.Memory;
import io.sluice.dataplane.packet.PacketBuffer;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.packet.NetworkOrder.getMac;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;
import static io.sluice.dataplane.packet.NetworkOrder.putU8;

/**
 * ICMP the load balancer originates, built in place in the received buffer: echo replies for VIPs
 * (v4 and v6) and "fragmentation needed" (RFC 1191) / "packet too big" (RFC 8201) to clients whose
 * packet would not fit the MTU once encapsulated. The latter are rate limited per worker with a
 * token bucket (RFC 4443 2.4(f)); over the limit the packet is dropped as {@link DropReason#TOO_BIG}.
 */
public final class IcmpResponder
{
    /** Largest IPv4 ICMP error datagram (RFC 1812 4.3.2.3). */
    public static final int IPV4_ERROR_MAX = 576;
    /** Largest ICMPv6 error packet: the IPv6 minimum MTU (RFC 4443 2.4(c)). */
    public static final int IPV6_ERROR_MAX = 1280;
    private static final int REPLY_TTL = 64;
    private static final long NS_PER_SECOND = 1_000_000_000L;

    private final long tokensPerSecond;
    private final long burst;
    private long tokens;
    private long lastRefillNs;
    private boolean started;

    /**
     * @param tooBigPerSecond ICMP too-big messages a worker may send per second.
     * @param burst           messages it may send at once after a quiet period.
     */
    public IcmpResponder(final long tooBigPerSecond, final long burst)
    {
        if (tooBigPerSecond < 1 || burst < 1)
        {
            throw new IllegalArgumentException("ICMP rate " + tooBigPerSecond + "/s burst " + burst + " must be positive");
        }
        this.tokensPerSecond = tooBigPerSecond;
        this.burst = burst;
        this.tokens = burst;
    }

    /**
     * Turns an ICMP echo request to a VIP into the reply.
     *
     * @return {@link Verdict#REPLY}.
     */
    public int echoReplyIpv4(
        final PacketBuffer packet, final Ipv4Flyweight ip, final IcmpFlyweight icmp, final long portMac)
    {
        final int src = ip.srcAddress();
        ip.srcAddress(ip.dstAddress()).dstAddress(src);
        putU8(ip.address() + Ipv4Flyweight.TTL_OFFSET, REPLY_TTL);
        ip.updateChecksum();
        final int oldWord = getU16(icmp.address());
        final int newWord = (IcmpFlyweight.TYPE_ECHO_REPLY << 8) | (oldWord & 0xFF);
        putU16(icmp.address(), newWord);
        icmp.checksum(Checksums.update16(icmp.checksum(), oldWord, newWord));
        swapMacs(packet.dataAddress(), portMac);
        return Verdict.REPLY;
    }

    /**
     * Turns an ICMPv6 echo request to a VIP into the reply (no extension headers).
     *
     * @return {@link Verdict#REPLY}.
     */
    public int echoReplyIpv6(
        final PacketBuffer packet, final Ipv6Flyweight ip, final Icmpv6Flyweight icmp, final long portMac)
    {
        final long srcHi = ip.srcHi();
        final long srcLo = ip.srcLo();
        ip.srcAddress(ip.dstHi(), ip.dstLo()).dstAddress(srcHi, srcLo).hopLimit(REPLY_TTL);
        final int oldWord = getU16(icmp.address());
        final int newWord = (Icmpv6Flyweight.TYPE_ECHO_REPLY << 8) | (oldWord & 0xFF);
        putU16(icmp.address(), newWord);
        icmp.checksum(Checksums.update16(icmp.checksum(), oldWord, newWord));
        swapMacs(packet.dataAddress(), portMac);
        return Verdict.REPLY;
    }

    /**
     * Answers an IPv4 packet that does not fit the MTU once encapsulated with "fragmentation
     * needed", quoting as much of it as fits in 576 bytes, from the VIP to the client.
     *
     * @param ctx      the packet's context (its L2 length; a drop's reason).
     * @param packet   the buffer; its frame becomes the ICMP message.
     * @param ip       the client's packet (wrapped).
     * @param mtu      next-hop MTU to report: the largest inner packet that fits.
     * @param portMac  the LB port's MAC.
     * @param nowNs    clock for the rate limit.
     * @return {@link Verdict#REPLY}, or a counted {@link DropReason#TOO_BIG} drop.
     */
    int fragmentationNeeded(
        final PacketContext ctx, final PacketBuffer packet, final Ipv4Flyweight ip, final int mtu, final long portMac,
        final long nowNs)
    {
        final int quote = Math.min(ip.totalLength(), IPV4_ERROR_MAX - Ipv4Flyweight.MIN_HEADER_LENGTH - IcmpFlyweight.HEADER_LENGTH);
        final int icmpLength = IcmpFlyweight.HEADER_LENGTH + quote;
        if (!takeToken(nowNs) || !packet.length(ctx.l2Length + Ipv4Flyweight.MIN_HEADER_LENGTH + icmpLength))
        {
            return ctx.drop(DropReason.TOO_BIG);
        }
        final long l3 = ip.address();
        final int client = ip.srcAddress();
        final int vip = ip.dstAddress();
        Memory.copy(l3, l3 + Ipv4Flyweight.MIN_HEADER_LENGTH + IcmpFlyweight.HEADER_LENGTH, quote);
        Ipv4Flyweight.write(
            l3, 0, Ipv4Flyweight.MIN_HEADER_LENGTH + icmpLength, 0, REPLY_TTL, Ipv4Flyweight.PROTOCOL_ICMP, vip, client);
        final long icmp = l3 + Ipv4Flyweight.MIN_HEADER_LENGTH;
        putU16(icmp, (IcmpFlyweight.TYPE_DEST_UNREACHABLE << 8) | IcmpFlyweight.CODE_FRAGMENTATION_NEEDED);
        putU16(icmp + IcmpFlyweight.CHECKSUM_OFFSET, 0);
        putI32(icmp + 4, mtu & 0xFFFF);
        putU16(icmp + IcmpFlyweight.CHECKSUM_OFFSET, Checksums.compute(icmp, icmpLength));
        swapMacs(packet.dataAddress(), portMac);
                return Verdict.REPLY;
    }

    /**
     * Answers an IPv6 packet that does not fit the MTU once encapsulated with "packet too big",
     * quoting as much of it as fits in 1280 bytes, from the VIP to the client.
     *
     * @return {@link Verdict#REPLY}, or a counted {@link DropReason#TOO_BIG} drop.
     */
    int packetTooBig(
        final PacketContext ctx, final PacketBuffer packet, final Ipv6Flyweight ip, final int mtu, final long portMac,
        final long nowNs)
    {
        final int headers = Ipv6Flyweight.HEADER_LENGTH + Icmpv6Flyweight.HEADER_LENGTH;
        final int quote = Math.min(ip.totalLength(), IPV6_ERROR_MAX - headers);
        final int icmpLength = Icmpv6Flyweight.HEADER_LENGTH + quote;
        if (!takeToken(nowNs) || !packet.length(ctx.l2Length + Ipv6Flyweight.HEADER_LENGTH + icmpLength))
        {
            return ctx.drop(DropReason.TOO_BIG);
        }
        final long l3 = ip.address();
        final long clientHi = ip.srcHi();
        final long clientLo = ip.srcLo();
        final long vipHi = ip.dstHi();
        final long vipLo = ip.dstLo();
        Memory.copy(l3, l3 + headers, quote);
        Ipv6Flyweight.write(l3, 0, 0, icmpLength, Ipv6Flyweight.NEXT_ICMPV6, REPLY_TTL, vipHi, vipLo, clientHi, clientLo);
        final long icmp = l3 + Ipv6Flyweight.HEADER_LENGTH;
        putU16(icmp, Icmpv6Flyweight.TYPE_PACKET_TOO_BIG << 8);
        putU16(icmp + Icmpv6Flyweight.CHECKSUM_OFFSET, 0);
        putI32(icmp + 4, mtu);
        final long sum = Checksums.add(
            Checksums.ipv6PseudoHeader(l3, Ipv6Flyweight.NEXT_ICMPV6, icmpLength), icmp, icmpLength);
        putU16(icmp + Icmpv6Flyweight.CHECKSUM_OFFSET, Checksums.finish(sum));
        swapMacs(packet.dataAddress(), portMac);
                return Verdict.REPLY;
    }

    private boolean takeToken(final long nowNs)
    {
        if (!started)
        {
            started = true;
            lastRefillNs = nowNs;
        }
        final long elapsedNs = nowNs - lastRefillNs;
        if (elapsedNs > 0)
        {
            if (elapsedNs >= NS_PER_SECOND)
            {
                tokens = burst;
                lastRefillNs = nowNs;
            }
            else
            {
                final long refill = elapsedNs * tokensPerSecond / NS_PER_SECOND;
                if (refill > 0)
                {
                    tokens = Math.min(burst, tokens + refill);
                    lastRefillNs += refill * NS_PER_SECOND / tokensPerSecond;
                }
            }
        }
        if (tokens > 0)
        {
            tokens--;
            return true;
        }
        return false;
    }

    /** Sends a frame back where it came from: destination = old source, source = the port's MAC. */
    static void swapMacs(final long frame, final long portMac)
    {
        EthernetFlyweight.writeMacs(frame, getMac(frame + EthernetFlyweight.SRC_MAC_OFFSET), portMac);
    }
}
