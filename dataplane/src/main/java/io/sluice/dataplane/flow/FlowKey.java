package io.sluice.dataplane.flow;

/**
 * A mutable, reusable 5-tuple: the identity of a flow for both the flow table and Maglev.
 * <p>
 * Addresses are held as two longs each, in network order (the first byte on the wire is the most
 * significant byte of {@code hi}). An IPv4 address is held IPv4-mapped ({@code ::ffff:a.b.c.d}),
 * so IPv4 and IPv6 share one key layout and one hash. Ports are unsigned 16-bit values and the
 * protocol is the IP protocol number (6 TCP, 17 UDP, ...).
 * <p>
 * {@link #hash()} is the one flow hash of Sluice: it is deterministic across processes and hosts,
 * which is what lets two load balancers with the same backends pick the same backend for a flow.
 * The Maglev slot of a flow is {@code MaglevTable.slotFor(hash)}; the flow table takes its bucket
 * from the low bits of the same hash. Instances are not thread safe; each worker owns its own.
 */
public final class FlowKey
{
    /** The upper 64 bits of an IPv4-mapped IPv6 address: {@code ::ffff:0:0/96} is hi = 0, lo = 0xffff_xxxxxxxx. */
    public static final long IPV4_MAPPED_HI = 0L;

    /** The constant part of the lower 64 bits of an IPv4-mapped address. */
    public static final long IPV4_MAPPED_LO_PREFIX = 0x0000_FFFF_0000_0000L;

    private static final long SEED = 0x51CE_5EED_0DDB_A11L;
    private static final long C1 = 0x9E37_79B9_7F4A_7C15L;
    private static final long C2 = 0xBF58_476D_1CE4_E5B9L;
    private static final long C3 = 0x94D0_49BB_1331_11EBL;
    private static final long SEED_MIXED_WITH_ZERO = mix(SEED, 0);

    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int srcPort;
    private int dstPort;
    private int protocol;
    private boolean ipv6;

    /**
     * Sets an IPv4 5-tuple.
     *
     * @param srcAddress source address as a host-order int of the network-order bytes (a.b.c.d = 0xaabbccdd).
     * @param dstAddress destination address, same form.
     * @param srcPort    source port, 0..65535 (0 for protocols without ports).
     * @param dstPort    destination port, 0..65535.
     * @param protocol   IP protocol number.
     * @return this key.
     */
    public FlowKey setIpv4(final int srcAddress, final int dstAddress, final int srcPort, final int dstPort, final int protocol)
    {
        this.srcHi = IPV4_MAPPED_HI;
        this.srcLo = ipv4MappedLo(srcAddress);
        this.dstHi = IPV4_MAPPED_HI;
        this.dstLo = ipv4MappedLo(dstAddress);
        this.srcPort = srcPort & 0xFFFF;
        this.dstPort = dstPort & 0xFFFF;
        this.protocol = protocol & 0xFF;
        this.ipv6 = false;
        return this;
    }

    /**
     * Sets an IPv6 5-tuple; each address is two longs in network order.
     *
     * @return this key.
     */
    public FlowKey setIpv6(
        final long srcHi, final long srcLo, final long dstHi, final long dstLo,
        final int srcPort, final int dstPort, final int protocol)
    {
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        this.srcPort = srcPort & 0xFFFF;
        this.dstPort = dstPort & 0xFFFF;
        this.protocol = protocol & 0xFF;
        this.ipv6 = true;
        return this;
    }

    /**
     * Copies another key into this one.
     *
     * @param other the key to copy.
     * @return this key.
     */
    public FlowKey set(final FlowKey other)
    {
        srcHi = other.srcHi;
        srcLo = other.srcLo;
        dstHi = other.dstHi;
        dstLo = other.dstLo;
        srcPort = other.srcPort;
        dstPort = other.dstPort;
        protocol = other.protocol;
        ipv6 = other.ipv6;
        return this;
    }

    /**
     * The lower 64 bits of the IPv4-mapped form of an IPv4 address.
     *
     * @param address a.b.c.d as 0xaabbccdd.
     * @return {@code 0x0000ffff_aabbccdd}.
     */
    public static long ipv4MappedLo(final int address)
    {
        return IPV4_MAPPED_LO_PREFIX | (address & 0xFFFF_FFFFL);
    }

    /**
     * Whether an address held as two longs lies in {@code ::ffff:0:0/96}, the form IPv4 addresses
     * take here. Such an address in an IPv6 header is not an IPv6 address of anybody's (RFC 4291
     * 2.5.5.2) and must never match an IPv4 VIP.
     *
     * @return true for an IPv4-mapped address.
     */
    public static boolean isIpv4Mapped(final long hi, final long lo)
    {
        return hi == IPV4_MAPPED_HI && (lo & 0xFFFF_FFFF_0000_0000L) == IPV4_MAPPED_LO_PREFIX;
    }

    /**
     * The flow hash: 64 well-mixed bits of the 5-tuple, identical on every host for the same key.
     * IPv4 and IPv6 keys never collide by construction of the mapped form plus the family bit.
     *
     * @return the hash.
     */
    public long hash()
    {
        long h = SEED;
        h = mix(h, srcHi);
        h = mix(h, srcLo);
        h = mix(h, dstHi);
        h = mix(h, dstLo);
        h = mix(h, ((long)srcPort << 32) | ((long)dstPort << 16) | ((long)protocol << 1) | (ipv6 ? 1L : 0L));
        return finish(h);
    }

    /**
     * The hash of the client (source) address alone, for source-hash scheduling: every flow of a
     * client gets the same value, on every worker and every LB. Deterministic like {@link #hash()}.
     *
     * @return the hash.
     */
    public long sourceHash()
    {
        long h = ~SEED;
        h = mix(h, srcHi);
        h = mix(h, srcLo);
        return finish(h);
    }

    /**
     * {@link #hash()} of an IPv4 key, computed from the header fields without a key object: the
     * same value as {@code new FlowKey().setIpv4(src, dst, srcPort, dstPort, protocol).hash()}, with
     * the two mixes of the zero upper address halves folded (one into a constant). The fast path of
     * the pipeline and its prefetch pass use it.
     *
     * @return the flow hash.
     */
    public static long hashIpv4(final int src, final int dst, final int srcPort, final int dstPort, final int protocol)
    {
        long h = mix(SEED_MIXED_WITH_ZERO, ipv4MappedLo(src));
        h = Long.rotateLeft(h, 29) * C2;
        h = mix(h, ipv4MappedLo(dst));
        h = mix(h, ((long)(srcPort & 0xFFFF) << 32) | ((long)(dstPort & 0xFFFF) << 16) | ((long)(protocol & 0xFF) << 1));
        return finish(h);
    }

    private static long mix(final long h, final long value)
    {
        return Long.rotateLeft(h ^ (value * C1), 29) * C2;
    }

    private static long finish(final long value)
    {
        long h = value;
        h ^= h >>> 32;
        h *= C3;
        h ^= h >>> 29;
        h *= C2;
        h ^= h >>> 32;
        return h;
    }

    /** @return upper 64 bits of the source address. */
    public long srcHi()
    {
        return srcHi;
    }

    /** @return lower 64 bits of the source address. */
    public long srcLo()
    {
        return srcLo;
    }

    /** @return upper 64 bits of the destination address. */
    public long dstHi()
    {
        return dstHi;
    }

    /** @return lower 64 bits of the destination address. */
    public long dstLo()
    {
        return dstLo;
    }

    /** @return the source port. */
    public int srcPort()
    {
        return srcPort;
    }

    /** @return the destination port. */
    public int dstPort()
    {
        return dstPort;
    }

    /** @return the IP protocol number. */
    public int protocol()
    {
        return protocol;
    }

    /** @return true for an IPv6 key, false for IPv4. */
    public boolean isIpv6()
    {
        return ipv6;
    }

    /**
     * Whether this key holds the same 5-tuple as another.
     *
     * @param other the other key.
     * @return true when every field is equal.
     */
    public boolean sameAs(final FlowKey other)
    {
        return srcLo == other.srcLo && dstLo == other.dstLo && srcHi == other.srcHi && dstHi == other.dstHi &&
            srcPort == other.srcPort && dstPort == other.dstPort && protocol == other.protocol && ipv6 == other.ipv6;
    }

    @Override
    public String toString()
    {
        return "FlowKey{" + (ipv6 ? "v6 " : "v4 ") +
            Long.toHexString(srcHi) + ":" + Long.toHexString(srcLo) + " " + srcPort + " -> " +
            Long.toHexString(dstHi) + ":" + Long.toHexString(dstLo) + " " + dstPort + " proto " + protocol + "}";
    }
}
