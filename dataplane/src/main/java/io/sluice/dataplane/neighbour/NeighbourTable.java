package io.sluice.dataplane.neighbour;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.sluice.dataplane.service.IpAddress;

/**
 * MAC addresses of the next hops Sluice sends to: backends on-link and gateways.
 * <p>
 * Single writer: the control thread registers addresses (giving each a fixed slot that snapshots
 * refer to by index), learns MACs from the ARP replies and neighbour advertisements the workers
 * punt, and sets static entries. Workers only read, by slot index, with acquire semantics: a MAC
 * is one 64-bit word, so a reader sees either the old or the new MAC, never a torn one.
 * <p>
 * Word encoding: 0 means unresolved; otherwise bit 48 is set and the low 48 bits are the MAC;
 * bit 49 marks a static entry that learning never overwrites.
 */
public final class NeighbourTable
{
    /** Returned by {@link #mac(int)} for an unresolved neighbour. */
    public static final long UNRESOLVED = -1L;
    private static final long VALID = 1L << 48;
    private static final long STATIC = 1L << 49;
    private static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] words;
    private final long[] addressHi;
    private final long[] addressLo;
    private final boolean[] addressIpv6;
    private final long[] updatedNs;
    private final long[] requestedNs;
    private final boolean[] inactive;
    private int count;

    /**
     * @param capacity most neighbours ever registered.
     */
    public NeighbourTable(final int capacity)
    {
        if (capacity < 1 || capacity > 1 << 20)
        {
            throw new IllegalArgumentException("neighbour table capacity " + capacity + " is not 1..1048576");
        }
        words = new long[capacity];
        addressHi = new long[capacity];
        addressLo = new long[capacity];
        addressIpv6 = new boolean[capacity];
        updatedNs = new long[capacity];
        requestedNs = new long[capacity];
        inactive = new boolean[capacity];
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
     * Gives an address a slot, or returns the slot it has. Control thread only.
     *
     * @return the slot index.
     * @throws IllegalStateException when the table is full.
     */
    public int register(final IpAddress address)
    {
        final int existing = indexOf(address);
        if (existing >= 0)
        {
            return existing;
        }
        if (count == words.length)
        {
            throw new IllegalStateException("neighbour table full (" + words.length + " entries)");
        }
        final int index = count;
        addressHi[index] = address.hi();
        addressLo[index] = address.lo();
        addressIpv6[index] = address.ipv6();
        inactive[index] = false;
        count = index + 1;
        return index;
    }

    /**
     * @return the slot of an address, or -1 when it is not registered.
     */
    public int indexOf(final IpAddress address)
    {
        return indexOf(address.hi(), address.lo(), address.ipv6());
    }

    /**
     * @return the slot of an address, or -1 when it is not registered.
     */
    public int indexOf(final long hi, final long lo, final boolean ipv6)
    {
        for (int i = 0; i < count; i++)
        {
            if (addressLo[i] == lo && addressHi[i] == hi && addressIpv6[i] == ipv6)
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * Records a MAC seen on the wire for a registered address; static entries are kept. Control
     * thread only.
     *
     * @return true when the address is registered and the entry was updated or confirmed.
     */
    public boolean learn(final long hi, final long lo, final boolean ipv6, final long mac, final long nowNs)
    {
        final int index = indexOf(hi, lo, ipv6);
        if (index < 0 || (words[index] & STATIC) != 0 || (mac & MAC_MASK) == 0)
        {
            return false;
        }
        WORDS.setRelease(words, index, VALID | (mac & MAC_MASK));
        updatedNs[index] = nowNs;
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
        WORDS.setRelease(words, index, STATIC | VALID | (mac & MAC_MASK));
        return index;
    }

    /**
     * Turns a static entry back into a learned one, unresolved until the next ARP / ND answer.
     * Control thread only.
     */
    public void clearStatic(final int index)
    {
        if ((words[index] & STATIC) != 0)
        {
            WORDS.setRelease(words, index, 0L);
            updatedNs[index] = 0;
            requestedNs[index] = 0;
        }
    }

    /**
     * Marks whether the current configuration uses an entry; inactive entries keep their slot
     * (older snapshots may still point at it) but are not resolved. Control thread only.
     */
    public void active(final int index, final boolean active)
    {
        inactive[index] = !active;
    }

    /** @return true when the current configuration uses the entry. */
    public boolean isActive(final int index)
    {
        return !inactive[index];
    }

    /** @return most addresses the table can hold. */
    public int capacity()
    {
        return words.length;
    }

    /** @return number of registered addresses. */
    public int size()
    {
        return count;
    }

    /** @return the address in a slot. */
    public IpAddress address(final int index)
    {
        return new IpAddress(addressHi[index], addressLo[index], addressIpv6[index]);
    }

    /** @return true when the slot holds a static entry. */
    public boolean isStatic(final int index)
    {
        return (words[index] & STATIC) != 0;
    }

    /** @return when the slot was last learned (control thread clock), 0 if never. */
    public long updatedNs(final int index)
    {
        return updatedNs[index];
    }

    /** @return when a request for the slot was last sent, 0 if never. */
    public long requestedNs(final int index)
    {
        return requestedNs[index];
    }

    /** Records that a request for the slot was sent. Control thread only. */
    public void requestedNs(final int index, final long nowNs)
    {
        requestedNs[index] = nowNs;
    }
}
