package io.sluice.dataplane.rss;

import java.util.Objects;

import io.sluice.dataplane.flow.FlowKey;

/**
 * Which worker the NIC delivers a flow's packets to: the worker owning the rx queue that the port's
 * receive-side scaling picks, computed in software, or {@link #ALL_WORKERS} where that cannot be
 * known. A flow replicated from a peer load balancer goes to that worker's command ring, so it is in
 * the table of the worker that will see the flow's next packet.
 * <p>
 * The queue of a flow is {@code redirectionTable[hash & (size - 1)]} (the hash's low bits, as NICs index it; a table whose size is not a power of two makes the steering unknown: all workers), where {@code hash} is the
 * {@link Toeplitz} hash with the port's key over the tuple as the NIC sees it (client to VIP: the
 * key's source first). Which tuple is hashed follows the port's {@code rss_hf} bits, for each
 * family: a TCP flow hashes its addresses and ports (L4) when the {@code NONFRAG_IPVx_TCP} bit is on
 * (for IPv6 also {@code IPV6_TCP_EX}), its addresses only (L3) when only {@code IPVx} (or
 * {@code IPV6_EX}) is, the same for UDP with the UDP bits; other protocols hash L3 under
 * {@code IPVx} or {@code NONFRAG_IPVx_OTHER}. A flow no bit covers (and SCTP under an SCTP bit) goes
 * to all workers.
 * <p>
 * Not modelled, so all workers: a port with one rx queue goes to worker 0; {@code rss_hf} 0, no key
 * or one under {@value #MIN_KEY_LENGTH} bytes, no redirection table, a table naming a queue the port
 * does not have, and the bits that hash part of a tuple ({@code L3_SRC_ONLY}, {@code L3_DST_ONLY},
 * {@code L4_SRC_ONLY}, {@code L4_DST_ONLY}, {@code L3_PRE*}). Also not modelled, and not detectable
 * through DPDK 22.11: a NIC whose hash is not Toeplitz, and the addresses some NICs take from IPv6
 * extension headers under the {@code _EX} bits. Immutable and thread safe; {@link #workerOf}
 * allocates nothing.
 */
public final class RssSteering
{
    /** What {@link #workerOf} returns when the flow may arrive on any worker: give it to all of them. */
    public static final int ALL_WORKERS = -1;

    /** The shortest key taken: 40 bytes cover the longest input (36 bytes, IPv6 L4) plus the 32-bit window. */
    public static final int MIN_KEY_LENGTH = Toeplitz.MAX_INPUT_LENGTH + Integer.BYTES;

    /** {@code RTE_ETH_RSS_IPV4} (rte_ethdev.h, DPDK 22.11). */
    public static final long RSS_IPV4 = 1L << 2;
    /** {@code RTE_ETH_RSS_NONFRAG_IPV4_TCP}. */
    public static final long RSS_NONFRAG_IPV4_TCP = 1L << 4;
    /** {@code RTE_ETH_RSS_NONFRAG_IPV4_UDP}. */
    public static final long RSS_NONFRAG_IPV4_UDP = 1L << 5;
    /** {@code RTE_ETH_RSS_NONFRAG_IPV4_SCTP}. */
    public static final long RSS_NONFRAG_IPV4_SCTP = 1L << 6;
    /** {@code RTE_ETH_RSS_NONFRAG_IPV4_OTHER}. */
    public static final long RSS_NONFRAG_IPV4_OTHER = 1L << 7;
    /** {@code RTE_ETH_RSS_IPV6}. */
    public static final long RSS_IPV6 = 1L << 8;
    /** {@code RTE_ETH_RSS_NONFRAG_IPV6_TCP}. */
    public static final long RSS_NONFRAG_IPV6_TCP = 1L << 10;
    /** {@code RTE_ETH_RSS_NONFRAG_IPV6_UDP}. */
    public static final long RSS_NONFRAG_IPV6_UDP = 1L << 11;
    /** {@code RTE_ETH_RSS_NONFRAG_IPV6_SCTP}. */
    public static final long RSS_NONFRAG_IPV6_SCTP = 1L << 12;
    /** {@code RTE_ETH_RSS_NONFRAG_IPV6_OTHER}. */
    public static final long RSS_NONFRAG_IPV6_OTHER = 1L << 13;
    /** {@code RTE_ETH_RSS_IPV6_EX}. */
    public static final long RSS_IPV6_EX = 1L << 15;
    /** {@code RTE_ETH_RSS_IPV6_TCP_EX}. */
    public static final long RSS_IPV6_TCP_EX = 1L << 16;
    /** {@code RTE_ETH_RSS_IPV6_UDP_EX}. */
    public static final long RSS_IPV6_UDP_EX = 1L << 17;
    /**
     * The bits that hash part of a tuple: {@code RTE_ETH_RSS_L3_SRC_ONLY} (63), {@code L3_DST_ONLY} (62),
     * {@code L4_SRC_ONLY} (61), {@code L4_DST_ONLY} (60) and {@code L3_PRE32} .. {@code L3_PRE96} (57 .. 52).
     */
    public static final long RSS_PARTIAL_TUPLE = 0xFL << 60 | 0x3FL << 52;

    /** What {@link #tupleOf} answers when no hash function covers the flow: it goes to all workers. */
    public static final int FORM_NONE = 0;
    /** What {@link #tupleOf} answers when the flow's addresses only are hashed. */
    public static final int FORM_L3 = 1;
    /** What {@link #tupleOf} answers when the flow's addresses and ports are hashed. */
    public static final int FORM_L4 = 2;

    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int SCTP = 132;
    private static final int CLASS_TCP = 0;
    private static final int CLASS_UDP = 1;
    private static final int CLASS_SCTP = 2;
    private static final int CLASS_OTHER = 3;
    private static final int CLASSES = 4;

    private final Toeplitz toeplitz;
    private final int[] workerOfEntry;
    private final int[] forms;
    private final int fixedWorker;
    private final String description;

    private RssSteering(
        final Toeplitz toeplitz, final int[] workerOfEntry, final int[] forms, final int fixedWorker, final String description)
    {
        this.toeplitz = toeplitz;
        this.workerOfEntry = workerOfEntry;
        this.forms = forms;
        this.fixedWorker = fixedWorker;
        this.description = description;
    }

    /**
     * The steering of a port from what it reports.
     *
     * @param rxQueues         the port's rx queues, at least 1.
     * @param hashFunctions    its {@code rss_hf} ({@code RTE_ETH_RSS_*} bits).
     * @param key              its RSS hash key, or null / empty when unknown; copied.
     * @param redirectionTable its RETA (the rx queue of each entry), or null / empty when unknown; copied.
     * @param workerOfQueue    the worker that polls each rx queue, {@code rxQueues} entries.
     * @return a steering that computes each flow's worker, or one that answers worker 0 (one rx queue) or
     *     {@link #ALL_WORKERS} (no usable RSS), saying why in {@link #description()}.
     * @throws IllegalArgumentException when {@code rxQueues} or {@code workerOfQueue} is inconsistent.
     */
    public static RssSteering of(
        final int rxQueues, final long hashFunctions, final byte[] key, final int[] redirectionTable, final int[] workerOfQueue)
    {
        Objects.requireNonNull(workerOfQueue, "workerOfQueue");
        if (rxQueues < 1 || workerOfQueue.length != rxQueues)
        {
            throw new IllegalArgumentException("rxQueues " + rxQueues + " with a queue-to-worker map of " +
                workerOfQueue.length + " entries: need at least one queue and one worker per queue");
        }
        for (int queue = 0; queue < rxQueues; queue++)
        {
            if (workerOfQueue[queue] < 0)
            {
                throw new IllegalArgumentException("rx queue " + queue + " maps to worker " + workerOfQueue[queue]);
            }
        }
        if (rxQueues == 1)
        {
            return fixed(workerOfQueue[0], "one rx queue: every flow on worker " + workerOfQueue[0]);
        }
        final String unusable = unusable(rxQueues, hashFunctions, key, redirectionTable);
        if (unusable != null)
        {
            return allWorkers(unusable);
        }
        final int[] workerOfEntry = new int[redirectionTable.length];
        for (int entry = 0; entry < workerOfEntry.length; entry++)
        {
            workerOfEntry[entry] = workerOfQueue[redirectionTable[entry]];
        }
        return new RssSteering(new Toeplitz(key), workerOfEntry, forms(hashFunctions), ALL_WORKERS,
            "Toeplitz over a " + key.length + "-byte key, rss_hf 0x" + Long.toHexString(hashFunctions) + ", " +
            redirectionTable.length + "-entry redirection table over " + rxQueues + " rx queues");
    }

    /**
     * A steering that sends every flow to all workers.
     *
     * @param reason why the port's RSS cannot be computed, for a person to read.
     * @return the steering.
     */
    public static RssSteering allWorkers(final String reason)
    {
        return fixed(ALL_WORKERS, "all workers: " + Objects.requireNonNull(reason, "reason"));
    }

    private static RssSteering fixed(final int worker, final String description)
    {
        return new RssSteering(null, new int[0], new int[2 * CLASSES], worker, description);
    }

    private static String unusable(
        final int rxQueues, final long hashFunctions, final byte[] key, final int[] redirectionTable)
    {
        if (hashFunctions == 0)
        {
            return "rss_hf is 0, the port does not hash flows to its " + rxQueues + " rx queues";
        }
        if ((hashFunctions & RSS_PARTIAL_TUPLE) != 0)
        {
            return "rss_hf 0x" + Long.toHexString(hashFunctions) + " hashes part of the tuple (SRC_ONLY, DST_ONLY or " +
                "an IPv6 prefix), which is not modelled";
        }
        if (key == null || key.length < MIN_KEY_LENGTH)
        {
            return "the port reports " + (key == null || key.length == 0 ? "no RSS key" :
                "an RSS key of " + key.length + " bytes, fewer than " + MIN_KEY_LENGTH);
        }
        if (redirectionTable == null || redirectionTable.length == 0)
        {
            return "the port reports no redirection table";
        }
        if (Integer.bitCount(redirectionTable.length) != 1)
        {
            return "the port's redirection table has " + redirectionTable.length + " entries, not a power of two: which " +
                "hash bits index it is not known";
        }
        for (int entry = 0; entry < redirectionTable.length; entry++)
        {
            if (redirectionTable[entry] < 0 || redirectionTable[entry] >= rxQueues)
            {
                return "redirection table entry " + entry + " names rx queue " + redirectionTable[entry] +
                    ", the port has " + rxQueues;
            }
        }
        return null;
    }

    private static int[] forms(final long hashFunctions)
    {
        final int[] forms = new int[2 * CLASSES];
        final boolean ipv4 = (hashFunctions & RSS_IPV4) != 0;
        forms[CLASS_TCP] = form(hashFunctions, RSS_NONFRAG_IPV4_TCP, ipv4);
        forms[CLASS_UDP] = form(hashFunctions, RSS_NONFRAG_IPV4_UDP, ipv4);
        forms[CLASS_SCTP] = (hashFunctions & RSS_NONFRAG_IPV4_SCTP) != 0 ? FORM_NONE : l3(ipv4);
        forms[CLASS_OTHER] = l3(ipv4 || (hashFunctions & RSS_NONFRAG_IPV4_OTHER) != 0);
        final boolean ipv6 = (hashFunctions & (RSS_IPV6 | RSS_IPV6_EX)) != 0;
        forms[CLASSES + CLASS_TCP] = form(hashFunctions, RSS_NONFRAG_IPV6_TCP | RSS_IPV6_TCP_EX, ipv6);
        forms[CLASSES + CLASS_UDP] = form(hashFunctions, RSS_NONFRAG_IPV6_UDP | RSS_IPV6_UDP_EX, ipv6);
        forms[CLASSES + CLASS_SCTP] = (hashFunctions & RSS_NONFRAG_IPV6_SCTP) != 0 ? FORM_NONE : l3(ipv6);
        forms[CLASSES + CLASS_OTHER] = l3(ipv6 || (hashFunctions & RSS_NONFRAG_IPV6_OTHER) != 0);
        return forms;
    }

    private static int l3(final boolean on)
    {
        return on ? FORM_L3 : FORM_NONE;
    }

    private static int form(final long hashFunctions, final long l4Bits, final boolean l3)
    {
        if ((hashFunctions & l4Bits) != 0)
        {
            return FORM_L4;
        }
        return l3 ? FORM_L3 : FORM_NONE;
    }

    /**
     * The worker that receives a flow's packets.
     *
     * @param key the flow as the NIC sees it (client to VIP).
     * @return a worker index, or {@link #ALL_WORKERS}.
     */
    public int workerOf(final FlowKey key)
    {
        if (null == toeplitz)
        {
            return fixedWorker;
        }
        final int form = forms[(key.isIpv6() ? CLASSES : 0) + protocolClass(key.protocol())];
        if (form == FORM_NONE)
        {
            return ALL_WORKERS;
        }
        final int hash;
        if (key.isIpv6())
        {
            hash = form == FORM_L4 ?
                toeplitz.hashIpv6(key.srcHi(), key.srcLo(), key.dstHi(), key.dstLo(), key.srcPort(), key.dstPort()) :
                toeplitz.hashIpv6(key.srcHi(), key.srcLo(), key.dstHi(), key.dstLo());
        }
        else
        {
            hash = form == FORM_L4 ?
                toeplitz.hashIpv4((int)key.srcLo(), (int)key.dstLo(), key.srcPort(), key.dstPort()) :
                toeplitz.hashIpv4((int)key.srcLo(), (int)key.dstLo());
        }
        return workerOfEntry[hash & (workerOfEntry.length - 1)];
    }

    /**
     * Which part of a flow's tuple the port hashes, for a family and protocol: what {@link #workerOf} uses.
     *
     * @param ipv6     whether the flow is IPv6.
     * @param protocol the IP protocol number.
     * @return {@link #FORM_L4}, {@link #FORM_L3}, or {@link #FORM_NONE} (also when not {@link #computed()}).
     */
    public int tupleOf(final boolean ipv6, final int protocol)
    {
        return null == toeplitz ? FORM_NONE : forms[(ipv6 ? CLASSES : 0) + protocolClass(protocol)];
    }

    /**
     * The Toeplitz hash over the port's key, for code that precomputes with its linearity (for example the
     * full-NAT ports whose replies reach one worker).
     *
     * @return the hash, or null when not {@link #computed()}.
     */
    public Toeplitz toeplitz()
    {
        return toeplitz;
    }

    /**
     * The size of the port's redirection table: a power of two, indexed by the hash's low bits.
     *
     * @return entries, 0 when not {@link #computed()}.
     */
    public int redirectionTableSize()
    {
        return workerOfEntry.length;
    }

    /**
     * The worker that polls the rx queue a redirection table entry names.
     *
     * @param entry 0 to {@link #redirectionTableSize()} - 1.
     * @return the worker.
     */
    public int workerOfEntry(final int entry)
    {
        return workerOfEntry[entry];
    }

    private static int protocolClass(final int protocol)
    {
        return switch (protocol)
        {
            case TCP -> CLASS_TCP;
            case UDP -> CLASS_UDP;
            case SCTP -> CLASS_SCTP;
            default -> CLASS_OTHER;
        };
    }

    /**
     * Whether {@link #workerOf} computes each flow's worker from the port's RSS, rather than answering
     * one worker (one rx queue) or {@link #ALL_WORKERS} for every flow.
     *
     * @return true when computed per flow.
     */
    public boolean computed()
    {
        return null != toeplitz;
    }

    /**
     * How flows are steered, or why they go to all workers.
     *
     * @return the text.
     */
    public String description()
    {
        return description;
    }

    /**
     * The same as {@link #description()}.
     *
     * @return the text.
     */
    @Override
    public String toString()
    {
        return "RssSteering{" + description + "}";
    }
}
