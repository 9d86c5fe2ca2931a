package io.sluice.dataplane.neighbour;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.agrona.collections.Object2IntHashMap;

import io.sluice.dataplane.service.IpAddress;

/**
 * MAC addresses of the next hops Sluice sends to: backends on-link and gateways.
 * <p>
 * Single writer: the control thread registers addresses (giving each a slot that snapshots refer
 * to by index), learns MACs from the ARP replies and neighbour advertisements the workers punt,
 * and sets static entries. Workers only read, by slot index, with acquire semantics: a MAC is one
 * 64-bit word, so a reader sees either the old or the new MAC, never a torn one.
 * <p>
 * Slot lifecycle: a slot the configuration of generation G no longer uses is <em>retired at G</em>
 * and keeps its address and MAC, since a worker may still run a snapshot older than G whose
 * backends point at it. {@link #reclaim} frees it once every worker runs G or later, and only then
 * can another address take the slot. Addresses are found through a hash index, not a scan.
 * <p>
 * Each slot also carries its resolution state ({@link #state}), which the {@link NeighbourAgent}
 * drives; counts per state over the slots in use are kept as they change.
 * <p>
 * Word encoding: 0 means unresolved; otherwise bit 48 is set and the low 48 bits are the MAC;
 * bit 49 marks a static entry that learning never overwrites.
 */
public final class NeighbourTable
{
    /** Returned by {@link #mac(int)} for an unresolved neighbour. */
    public static final long UNRESOLVED = -1L;
    /** The smallest capacity a configuration may ask for (the table itself takes any from 1). */
    public static final int MIN_CAPACITY = 16;
    /** The largest capacity. */
    public static final int MAX_CAPACITY = 1 << 20;
    /** The capacity the dataplane runs with unless configured otherwise. */
    public static final int DEFAULT_CAPACITY = 4096;

    /** Resolution state: never answered, or a static entry whose pin was removed (its MAC cleared). A stale entry keeps its MAC. */
    public static final int INCOMPLETE = 0;
    /** Resolution state: the MAC was confirmed within the refresh interval. */
    public static final int REACHABLE = 1;
    /** Resolution state: the refresh is due and quick retries are under way; the old MAC stays in use. */
    public static final int PROBE = 2;
    /** Resolution state: the quick retries went unanswered; the old MAC stays in use, requests back off. */
    public static final int STALE = 3;
    /** Resolution state: a configured MAC, never asked for. */
    public static final int STATIC = 4;
    private static final int STATE_COUNT = 5;
    private static final String[] STATE_NAMES = {"incomplete", "reachable", "probe", "stale", "static"};

    private static final long VALID = 1L << 48;
    private static final long STATIC_BIT = 1L << 49;
    private static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long IN_USE = 0;

    private final long[] words;
    private final long[] addressHi;
    private final long[] addressLo;
    private final boolean[] addressIpv6;
    private final boolean[] registered;
    private final long[] retiredAt;
    private final int[] state;
    private final long[] updatedNs;
    private final long[] nextRequestNs;
    private final long[] sinceNs;
    private final int[] attempts;
    private final boolean[] deferred;
    private final int[] freeSlots;
    private final int[] stateCounts = new int[STATE_COUNT];
    private final Object2IntHashMap<IpAddress> slots;
    private int freeCount;
    private int highWater;
    private int size;
    private int retired;
    private long reclaimed;

    /**
     * @param capacity most neighbours registered at one time, 1..{@link #MAX_CAPACITY}.
     */
    public NeighbourTable(final int capacity)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("neighbour table capacity " + capacity + " is not 1.." + MAX_CAPACITY);
        }
        words = new long[capacity];
        addressHi = new long[capacity];
        addressLo = new long[capacity];
        addressIpv6 = new boolean[capacity];
        registered = new boolean[capacity];
        retiredAt = new long[capacity];
        state = new int[capacity];
        updatedNs = new long[capacity];
        nextRequestNs = new long[capacity];
        sinceNs = new long[capacity];
        attempts = new int[capacity];
        deferred = new boolean[capacity];
        freeSlots = new int[capacity];
        slots = new Object2IntHashMap<>(Math.max(16, capacity * 2), 0.65f, -1);
    }

    /**
     * The MAC of a neighbour. Any thread; zero allocation.
     *
     * @param index slot from {@link #register}.
     * @return the MAC in the low 48 bits, or {@link #UNRESOLVED}.
     */
    public long mac(final int index)
    {
        final long word = (long)WORDS.getAcquire(words, index);
        return (word & VALID) != 0 ? word & MAC_MASK : UNRESOLVED;
    }

    /**
     * Gives an address a slot, or returns the slot it has; a new entry is in use, unresolved and due
     * to be asked for. Control thread only.
     *
     * @return the slot index.
     * @throws IllegalStateException when the table is full.
     */
    public int register(final IpAddress address)
    {
        final int existing = slots.getValue(address);
        if (existing >= 0)
        {
            return existing;
        }
        final int index;
        if (freeCount > 0)
        {
            index = freeSlots[--freeCount];
        }
        else if (highWater < words.length)
        {
            index = highWater++;
        }
        else
        {
            throw new IllegalStateException("neighbour table full (" + words.length + " entries)");
        }
        addressHi[index] = address.hi();
        addressLo[index] = address.lo();
        addressIpv6[index] = address.ipv6();
        WORDS.setRelease(words, index, 0L);
        registered[index] = true;
        retiredAt[index] = IN_USE;
        state[index] = INCOMPLETE;
        updatedNs[index] = 0;
        nextRequestNs[index] = 0;
        sinceNs[index] = 0;
        attempts[index] = 0;
        deferred[index] = false;
        stateCounts[INCOMPLETE]++;
        slots.put(address, index);
        size++;
        return index;
    }

    /**
     * @return the slot of an address, or -1 when it is not registered.
     */
    public int indexOf(final IpAddress address)
    {
        return slots.getValue(address);
    }

    /**
     * @return the slot of an address, or -1 when it is not registered.
     */
    public int indexOf(final long hi, final long lo, final boolean ipv6)
    {
        return slots.getValue(new IpAddress(hi, lo, ipv6));
    }

    /**
     * Records a MAC seen on the wire for a registered address; static entries are kept. The entry
     * becomes {@link #REACHABLE}. Control thread only.
     *
     * @return true when the address is registered and the entry was updated or confirmed.
     */
    public boolean learn(final long hi, final long lo, final boolean ipv6, final long mac, final long nowNs)
    {
        final int index = indexOf(hi, lo, ipv6);
        if (index < 0 || (words[index] & STATIC_BIT) != 0 || (mac & MAC_MASK) == 0)
        {
            return false;
        }
        WORDS.setRelease(words, index, VALID | (mac & MAC_MASK));
        updatedNs[index] = nowNs;
        attempts[index] = 0;
        deferred[index] = false;
        sinceNs[index] = 0;
        state(index, REACHABLE);
        return true;
    }

    /**
     * Sets a static entry (registering the address if needed). Control thread only.
     *
     * @return the slot index.
     */
    public int setStatic(final IpAddress address, final long mac)
    {
        final int index = register(address);
        WORDS.setRelease(words, index, STATIC_BIT | VALID | (mac & MAC_MASK));
        state(index, STATIC);
        return index;
    }

    /**
     * Turns a static entry back into a learned one, unresolved until the next ARP / ND answer.
     * Control thread only.
     */
    public void clearStatic(final int index)
    {
        if ((words[index] & STATIC_BIT) != 0)
        {
            WORDS.setRelease(words, index, 0L);
            updatedNs[index] = 0;
            nextRequestNs[index] = 0;
            sinceNs[index] = 0;
            attempts[index] = 0;
            state(index, INCOMPLETE);
        }
    }

    /**
     * Marks whether the configuration of a generation uses an entry. An entry it no longer uses is
     * retired at that generation: it keeps its slot, MAC and address (older snapshots may still point
     * at it) but is not resolved, until {@link #reclaim} frees it. Control thread only.
     *
     * @param index      the slot.
     * @param used       whether the configuration uses it.
     * @param generation the generation of that configuration.
     */
    public void use(final int index, final boolean used, final long generation)
    {
        if (used && retiredAt[index] != IN_USE)
        {
            retiredAt[index] = IN_USE;
            retired--;
            stateCounts[state[index]]++;
        }
        else if (!used && retiredAt[index] == IN_USE)
        {
            retiredAt[index] = Math.max(1, generation);
            retired++;
            stateCounts[state[index]]--;
        }
    }

    /**
     * Frees the slots retired at a generation every worker has reached: no snapshot that used them
     * can run any more, so their addresses leave the table and the slots can be given to others.
     * Control thread only.
     *
     * @param oldestRunningGeneration the lowest generation any worker reports running.
     * @return the number of slots freed.
     */
    public int reclaim(final long oldestRunningGeneration)
    {
        int freed = 0;
        for (int index = 0; index < highWater && retired > 0; index++)
        {
            if (registered[index] && retiredAt[index] != IN_USE && retiredAt[index] <= oldestRunningGeneration)
            {
                slots.removeKey(address(index));
                WORDS.setRelease(words, index, 0L);
                registered[index] = false;
                retiredAt[index] = IN_USE;
                retired--;
                size--;
                freeSlots[freeCount++] = index;
                freed++;
            }
        }
        reclaimed += freed;
        return freed;
    }

    /** @return true when the slot holds an address the configuration in force uses. */
    public boolean isActive(final int index)
    {
        return registered[index] && retiredAt[index] == IN_USE;
    }

    /** @return true when the slot holds an address, in use or retired. */
    public boolean isRegistered(final int index)
    {
        return registered[index];
    }

    /** @return the generation the slot was retired at, or 0 when it is in use or free. */
    public long retiredAt(final int index)
    {
        return retiredAt[index];
    }

    /** @return most addresses the table can hold. */
    public int capacity()
    {
        return words.length;
    }

    /** @return addresses that hold a slot: in use, or retired and not yet reclaimed. */
    public int size()
    {
        return size;
    }

    /** @return slots retired and not yet reclaimed. */
    public int retired()
    {
        return retired;
    }

    /** @return slots freed by {@link #reclaim} since the table was made. */
    public long reclaimed()
    {
        return reclaimed;
    }

    /** @return one above the highest slot ever given out: the range to scan for registered slots. */
    public int highWater()
    {
        return highWater;
    }

    /** @return the address in a slot. */
    public IpAddress address(final int index)
    {
        return new IpAddress(addressHi[index], addressLo[index], addressIpv6[index]);
    }

    /** @return true when the slot holds a static entry. */
    public boolean isStatic(final int index)
    {
        return (words[index] & STATIC_BIT) != 0;
    }

    /** @return the slot's resolution state, {@link #INCOMPLETE} .. {@link #STATIC}. */
    public int state(final int index)
    {
        return state[index];
    }

    /**
     * @param state a resolution state.
     * @return its name: incomplete, reachable, probe, stale or static.
     */
    public static String stateName(final int state)
    {
        return STATE_NAMES[state];
    }

    /**
     * @param state a resolution state.
     * @return how many slots in use are in it.
     */
    public int count(final int state)
    {
        return stateCounts[state];
    }

    /** Moves a slot to a resolution state. Control thread only. */
    void state(final int index, final int next)
    {
        if (isActive(index))
        {
            stateCounts[state[index]]--;
            stateCounts[next]++;
        }
        state[index] = next;
    }

    /** @return when the slot was last learned (control thread clock), 0 if never. */
    public long updatedNs(final int index)
    {
        return updatedNs[index];
    }

    /** @return when the slot is next due to be asked for (control thread clock). */
    long nextRequestNs(final int index)
    {
        return nextRequestNs[index];
    }

    void nextRequestNs(final int index, final long nowNs)
    {
        nextRequestNs[index] = nowNs;
    }

    /** @return since when the slot has been without a confirmed MAC, 0 when it is confirmed or not asked yet. */
    public long sinceNs(final int index)
    {
        return sinceNs[index];
    }

    void sinceNs(final int index, final long nowNs)
    {
        sinceNs[index] = nowNs;
    }

    /** @return requests sent since the slot last was confirmed (or since the refresh began, when probing). */
    public int attempts(final int index)
    {
        return attempts[index];
    }

    void attempts(final int index, final int value)
    {
        attempts[index] = value;
    }

    boolean deferred(final int index)
    {
        return deferred[index];
    }

    void deferred(final int index, final boolean value)
    {
        deferred[index] = value;
    }
}
