package io.sluice.dataplane.nat;

import java.util.Arrays;
import java.util.Objects;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.rss.RssSteering;
import io.sluice.dataplane.rss.Toeplitz;

/**
 * Which worker owns each local (NAT) port of a full-NAT pool: the worker that the NIC delivers the replies
 * to, so that the worker that allocates a port for a new flow also receives that flow's replies and every
 * flow table keeps a single writer. Immutable and thread safe; built once per port configuration on the
 * control thread.
 * <p>
 * <b>Computed RSS</b> (the port hashes the protocol's addresses and ports): a reply is the tuple (backend,
 * laddr, backend port, local port p), and Toeplitz is linear over GF(2), so its hash is
 * {@code H(p) = H(0) ^ T(p)} where {@code H(0)} is the hash with local port 0 and {@code T(p)} depends
 * only on p's two bytes at the destination-port position (input bytes 10-11 for IPv4, 34-35 for IPv6).
 * The NIC indexes its redirection table (RETA, R entries, a power of two) with the hash's low bits, so
 * the worker of p is {@code RETA[(T(p) ^ b) & (R - 1)]} with {@code b = H(0)} per pool. Once per family,
 * the ports of the range are sorted into R classes by {@code T(p) & (R - 1)}; per pool, worker w owns
 * the classes e with {@code RETA[e ^ b] == w}. For a fixed b these class sets are disjoint, so every
 * port has exactly one owner, and no port is hashed when a flow is set up. At construction every
 * possible b is checked: each worker that the RETA names must own at least {@code minShare} of its
 * proportional share (its RETA entries / R of the range) in every pool, else the key or RETA is
 * degenerate for full NAT (for example a key whose bits under the port are zero) and construction fails.
 * <p>
 * <b>Not computed, several workers</b> ({@link RssSteering#ALL_WORKERS}: the port reports no RSS, or no
 * hash function covers the protocol): the owner is put in the port, as DPVS does: with
 * {@code mask = nextPowerOfTwo(workers) - 1}, port p belongs to worker {@code (p & mask) % workers}
 * (masked values of {@code workers} or more wrap round, so every port has one owner and each worker
 * gets at least half of its fair share). The NIC does not deliver replies this way by itself: it needs
 * one rte_flow rule per masked value (destination laddr, destination port under the mask, to the owner's
 * queue), or a software hand-off of misdelivered replies to the owner. <b>One worker</b>, or one rx
 * queue: that worker owns every port.
 * <p>
 * Refused for pools ({@link #unsupported}): a port that hashes the protocol by addresses only, with
 * several workers, since all replies of a pool then reach one worker whatever the port.
 * <p>
 * Memory: 2 bytes per port of the range per family whose ports are hashed (126 KiB each for the whole
 * range 1024..65535). Preconditions not checked here: the RETA does not change while the port runs,
 * and the hash is plain Toeplitz (see {@link RssSteering}).
 */
public final class NatPortSteering
{
    /** What {@link #ownerOf} answers for a port outside the range. */
    public static final int NO_OWNER = -1;
    /** The scheme of a pool whose owner follows from the RSS classes of its ports. */
    public static final int SCHEME_RSS = 0;
    /** The scheme of a pool whose owner is put in the port: {@code (p & mask) % workers}. */
    public static final int SCHEME_PORT_MASK = 1;
    /** The scheme of a pool whose ports all belong to one worker (one worker, or one rx queue). */
    public static final int SCHEME_SINGLE = 2;
    /** The scheme of a pool that the port's hashing cannot serve (see {@link #unsupported}). */
    public static final int SCHEME_UNSUPPORTED = 3;
    /** The default minimum share: half of a worker's proportional share of every pool. */
    public static final double DEFAULT_MIN_SHARE = 0.5;

    private static final int IPV4_PORT_POSITION = 10;
    private static final int IPV6_PORT_POSITION = 34;

    private final RssSteering rss;
    private final int workers;
    private final int firstPort;
    private final int lastPort;
    private final int singleWorker;
    private final int portMask;
    private final int entryMask;
    private final int[] workerOfEntry;
    private final int[] schemes = new int[4];
    private final char[][] classOfPort = new char[2][];
    private final String description;

    private NatPortSteering(
        final RssSteering rss, final int workers, final int firstPort, final int lastPort, final double minShare)
    {
        this.rss = rss;
        this.workers = workers;
        this.firstPort = firstPort;
        this.lastPort = lastPort;
        this.portMask = Integer.highestOneBit(workers) == workers ? workers - 1 : Integer.highestOneBit(workers) * 2 - 1;
        this.entryMask = rss.redirectionTableSize() - 1;
        this.workerOfEntry = new int[rss.redirectionTableSize()];
        for (int entry = 0; entry < workerOfEntry.length; entry++)
        {
            workerOfEntry[entry] = rss.workerOfEntry(entry);
            if (workerOfEntry[entry] < 0 || workerOfEntry[entry] >= workers)
            {
                throw new IllegalArgumentException("redirection table entry " + entry + " goes to worker " +
                    workerOfEntry[entry] + ", there are " + workers);
            }
        }
        final int fixed = rss.computed() ? RssSteering.ALL_WORKERS : rss.workerOf(new FlowKey());
        this.singleWorker = workers == 1 ? 0 : fixed;
        if (singleWorker >= workers)
        {
            throw new IllegalArgumentException("the port's one rx queue goes to worker " + singleWorker + ", there are " +
                workers);
        }
        for (int family = 0; family < 2; family++)
        {
            schemes[family * 2] = scheme(family == 1, NatPoolKey.TCP);
            schemes[family * 2 + 1] = scheme(family == 1, NatPoolKey.UDP);
            if (schemes[family * 2] == SCHEME_RSS || schemes[family * 2 + 1] == SCHEME_RSS)
            {
                classOfPort[family] = classes(rss.toeplitz(), family == 1 ? IPV6_PORT_POSITION : IPV4_PORT_POSITION);
                checkRssShares(family, minShare);
            }
        }
        if (schemes[0] == SCHEME_PORT_MASK || schemes[1] == SCHEME_PORT_MASK || schemes[2] == SCHEME_PORT_MASK ||
            schemes[3] == SCHEME_PORT_MASK)
        {
            checkPortMaskShares(minShare);
        }
        this.description = "ports " + firstPort + ".." + lastPort + " over " + workers + " worker(s): IPv4 TCP " +
            name(schemes[0]) + ", UDP " + name(schemes[1]) + "; IPv6 TCP " + name(schemes[2]) + ", UDP " + name(schemes[3]);
    }

    /**
     * The steering of the whole unprivileged range, {@link PortPool#MIN_PORT}..{@link PortPool#MAX_PORT}.
     *
     * @param rss     the port's steering (computed RSS, one queue, or all workers).
     * @param workers the workers, at least 1.
     * @return the steering.
     * @throws IllegalArgumentException see {@link #of(RssSteering, int, int, int, double)}.
     */
    public static NatPortSteering of(final RssSteering rss, final int workers)
    {
        return of(rss, workers, PortPool.MIN_PORT, PortPool.MAX_PORT, DEFAULT_MIN_SHARE);
    }

    /**
     * The steering of a configured port range.
     *
     * @param rss       the port's steering (computed RSS, one queue, or all workers).
     * @param workers   the workers, at least 1.
     * @param firstPort the lowest local port, at least {@link PortPool#MIN_PORT}.
     * @param lastPort  the highest local port, at most {@link PortPool#MAX_PORT}.
     * @param minShare  the least fraction of its proportional share each worker must own in every pool, 0..1.
     * @return the steering.
     * @throws IllegalArgumentException when the range or worker count is invalid, the RETA names a worker that
     *     does not exist, or a worker would own less than {@code minShare} of its share in some pool (the
     *     message names the worker, the pool's RETA offset and the counts).
     */
    public static NatPortSteering of(
        final RssSteering rss, final int workers, final int firstPort, final int lastPort, final double minShare)
    {
        Objects.requireNonNull(rss, "rss");
        PortPool.checkRange(firstPort, lastPort);
        if (workers < 1 || workers > PortPool.MAX_PORT)
        {
            throw new IllegalArgumentException("worker count " + workers + " is not within 1.." + PortPool.MAX_PORT);
        }
        if (!(minShare >= 0 && minShare <= 1))
        {
            throw new IllegalArgumentException("minimum share " + minShare + " is not within 0..1");
        }
        return new NatPortSteering(rss, workers, firstPort, lastPort, minShare);
    }

    private int scheme(final boolean ipv6, final int protocol)
    {
        if (singleWorker != RssSteering.ALL_WORKERS)
        {
            return SCHEME_SINGLE;
        }
        return switch (rss.tupleOf(ipv6, protocol))
        {
            case RssSteering.FORM_L4 -> SCHEME_RSS;
            case RssSteering.FORM_L3 -> SCHEME_UNSUPPORTED;
            default -> SCHEME_PORT_MASK;
        };
    }

    private char[] classes(final Toeplitz toeplitz, final int position)
    {
        final byte[] input = new byte[position + 2];
        final char[] classes = new char[lastPort - firstPort + 1];
        for (int port = firstPort; port <= lastPort; port++)
        {
            input[position] = (byte)(port >>> 8);
            input[position + 1] = (byte)port;
            classes[port - firstPort] = (char)(toeplitz.hash(input, 0, input.length) & entryMask);
        }
        return classes;
    }

    private void checkRssShares(final int family, final double minShare)
    {
        final int span = lastPort - firstPort + 1;
        final int entries = workerOfEntry.length;
        final int[] classSize = new int[entries];
        for (final char portClass : classOfPort[family])
        {
            classSize[portClass]++;
        }
        final int[] entriesOf = new int[workers];
        for (final int worker : workerOfEntry)
        {
            entriesOf[worker]++;
        }
        final long[] owned = new long[workers];
        for (int base = 0; base < entries; base++)
        {
            Arrays.fill(owned, 0);
            for (int portClass = 0; portClass < entries; portClass++)
            {
                owned[workerOfEntry[portClass ^ base]] += classSize[portClass];
            }
            for (int worker = 0; worker < workers; worker++)
            {
                final double share = (double)span * entriesOf[worker] / entries;
                if (owned[worker] < minShare * share)
                {
                    throw new IllegalArgumentException("the RSS key and redirection table give worker " + worker +
                        " only " + owned[worker] + " of the " + span + " NAT ports of an " + (family == 1 ? "IPv6" : "IPv4") +
                        " pool whose hash with local port 0 ends in entry " + base + ", less than " + minShare +
                        " of its share " + Math.round(share) + ": the key's bits under the destination port do not " +
                        "spread ports over the table (use another key, or a wider port range)");
                }
            }
        }
    }

    private void checkPortMaskShares(final double minShare)
    {
        final long[] owned = new long[workers];
        for (int port = firstPort; port <= lastPort; port++)
        {
            owned[(port & portMask) % workers]++;
        }
        final double share = (double)(lastPort - firstPort + 1) / workers;
        for (int worker = 0; worker < workers; worker++)
        {
            if (owned[worker] < minShare * share)
            {
                throw new IllegalArgumentException("NAT ports " + firstPort + ".." + lastPort + " give worker " + worker +
                    " only " + owned[worker] + " ports by (port & " + portMask + ") % " + workers + ", less than " +
                    minShare + " of its share " + Math.round(share) + ": widen the range");
            }
        }
    }

    private static String name(final int scheme)
    {
        return switch (scheme)
        {
            case SCHEME_RSS -> "by RSS classes";
            case SCHEME_PORT_MASK -> "by (port & mask) % workers, needing rte_flow rules or a hand-off";
            case SCHEME_SINGLE -> "all on one worker";
            default -> "unsupported (addresses-only hash)";
        };
    }

    /**
     * How the ports of a pool are given to workers.
     *
     * @param key the pool.
     * @return {@link #SCHEME_RSS}, {@link #SCHEME_PORT_MASK}, {@link #SCHEME_SINGLE} or {@link #SCHEME_UNSUPPORTED}.
     */
    public int schemeOf(final NatPoolKey key)
    {
        return schemes[(key.ipv6() ? 2 : 0) + (key.protocol() == NatPoolKey.UDP ? 1 : 0)];
    }

    /**
     * Why a pool cannot be served, for an error message.
     *
     * @param key the pool.
     * @return null when it can, else the reason.
     */
    public String unsupported(final NatPoolKey key)
    {
        if (schemeOf(key) != SCHEME_UNSUPPORTED)
        {
            return null;
        }
        return "full NAT pool " + key + ": the port hashes " + (key.ipv6() ? "IPv6 " : "IPv4 ") +
            (key.protocol() == NatPoolKey.TCP ? "TCP" : "UDP") + " by addresses only, so every reply of the pool " +
            "reaches one worker of " + workers + "; configure the port to hash its ports (rss_hf NONFRAG_IPV" +
            (key.ipv6() ? "6_" : "4_") + (key.protocol() == NatPoolKey.TCP ? "TCP" : "UDP") + ")";
    }

    /**
     * The part of a pool's reply hash that does not depend on the local port: {@code H(0) & (R - 1)},
     * computed once per pool (12 or 36 table loads).
     *
     * @param key the pool.
     * @return the base, 0 for pools not under {@link #SCHEME_RSS}.
     */
    public int baseOf(final NatPoolKey key)
    {
        if (schemeOf(key) != SCHEME_RSS)
        {
            return 0;
        }
        final Toeplitz toeplitz = rss.toeplitz();
        final int hash = key.ipv6() ?
            toeplitz.hashIpv6(key.backendHi(), key.backendLo(), key.laddrHi(), key.laddrLo(), key.backendPort(), 0) :
            toeplitz.hashIpv4((int)key.backendLo(), (int)key.laddrLo(), key.backendPort(), 0);
        return hash & entryMask;
    }

    /**
     * The worker that owns a local port of a pool: the worker that the pool's replies to that port reach.
     *
     * @param key  the pool.
     * @param port the local port.
     * @return the worker, or {@link #NO_OWNER} outside the range or for an unsupported pool.
     */
    public int ownerOf(final NatPoolKey key, final int port)
    {
        return ownerOf(schemeOf(key), key.ipv6(), baseOf(key), port);
    }

    int ownerOf(final int scheme, final boolean ipv6, final int base, final int port)
    {
        if (port < firstPort || port > lastPort)
        {
            return NO_OWNER;
        }
        return switch (scheme)
        {
            case SCHEME_RSS -> workerOfEntry[classOfPort[ipv6 ? 1 : 0][port - firstPort] ^ base];
            case SCHEME_PORT_MASK -> (port & portMask) % workers;
            case SCHEME_SINGLE -> singleWorker;
            default -> NO_OWNER;
        };
    }

    /**
     * How many ports of a pool a worker owns.
     *
     * @param key    the pool.
     * @param worker the worker.
     * @return the ports.
     */
    public int portsOwned(final NatPoolKey key, final int worker)
    {
        final int scheme = schemeOf(key);
        final int base = baseOf(key);
        int owned = 0;
        for (int port = firstPort; port <= lastPort; port++)
        {
            owned += ownerOf(scheme, key.ipv6(), base, port) == worker ? 1 : 0;
        }
        return owned;
    }

    /** @return the workers. */
    public int workers()
    {
        return workers;
    }

    /** @return the lowest local port. */
    public int firstPort()
    {
        return firstPort;
    }

    /** @return the highest local port. */
    public int lastPort()
    {
        return lastPort;
    }

    /**
     * The schemes in use, for a log line at start.
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
        return "NatPortSteering{" + description + "}";
    }
}
