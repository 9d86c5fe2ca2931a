package io.sluice.dataplane.packet;

import static io.sluice.dataplane.packet.NetworkOrder.getMac;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.putMac;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;

/**
 * Ethernet II header with up to two VLAN tags (802.1Q, and 802.1ad outer + 802.1Q inner).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                   Destination MAC (6 bytes)                   |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |                      Source MAC (6 bytes)                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  EtherType / TPID 0x8100      |  [TCI (PCP, DEI, VID)]        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  [inner EtherType]            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * {@link #etherType()} is the type after the tags and {@link #headerLength()} covers the tags.
 */
public final class EthernetFlyweight extends HeaderFlyweight
{
    /** Untagged header length. */
    public static final int HEADER_LENGTH = 14;
    /** Offset of the destination MAC. */
    public static final int DST_MAC_OFFSET = 0;
    /** Offset of the source MAC. */
    public static final int SRC_MAC_OFFSET = 6;
    /** Offset of the first EtherType / TPID. */
    public static final int ETHER_TYPE_OFFSET = 12;
    /** Length of one VLAN tag. */
    public static final int VLAN_TAG_LENGTH = 4;

    /** IPv4. */
    public static final int ETHER_TYPE_IPV4 = 0x0800;
    /** ARP. */
    public static final int ETHER_TYPE_ARP = 0x0806;
    /** IPv6. */
    public static final int ETHER_TYPE_IPV6 = 0x86DD;
    /** 802.1Q customer VLAN tag. */
    public static final int ETHER_TYPE_VLAN = 0x8100;
    /** 802.1ad service VLAN tag (QinQ outer). */
    public static final int ETHER_TYPE_QINQ = 0x88A8;

    /** Broadcast MAC ff:ff:ff:ff:ff:ff in the low 48 bits. */
    public static final long BROADCAST_MAC = 0xFFFF_FFFF_FFFFL;

    private int headerLength;
    private int etherType;

    /**
     * Wraps the Ethernet header at {@code address}.
     *
     * @return false when the frame is shorter than the header with its tags.
     */
    public boolean wrap(final long address, final int available)
    {
        point(address, available);
        if (available < HEADER_LENGTH)
        {
            return false;
        }
        int length = HEADER_LENGTH;
        int type = getU16(address + ETHER_TYPE_OFFSET);
        if (type == ETHER_TYPE_QINQ || type == ETHER_TYPE_VLAN)
        {
            length += VLAN_TAG_LENGTH;
            if (available < length)
            {
                return false;
            }
            type = getU16(address + length - 2);
            if (type == ETHER_TYPE_VLAN)
            {
                length += VLAN_TAG_LENGTH;
                if (available < length)
                {
                    return false;
                }
                type = getU16(address + length - 2);
            }
        }
        headerLength = length;
        etherType = type;
        return true;
    }

    /** @return length of the header including VLAN tags (14, 18 or 22). */
    public int headerLength()
    {
        return headerLength;
    }

    /** @return the EtherType after any VLAN tags. */
    public int etherType()
    {
        return etherType;
    }

    /** @return true when the frame carries at least one VLAN tag. */
    public boolean isTagged()
    {
        return headerLength > HEADER_LENGTH;
    }

    /** @return the VLAN id of the innermost tag, or -1 when untagged. */
    public int vlanId()
    {
        return isTagged() ? getU16(address + headerLength - 4) & 0x0FFF : -1;
    }

    /** @return destination MAC in the low 48 bits. */
    public long dstMac()
    {
        return getMac(address + DST_MAC_OFFSET);
    }

    /** Sets the destination MAC. @return this. */
    public EthernetFlyweight dstMac(final long mac)
    {
        putMac(address + DST_MAC_OFFSET, mac);
        return this;
    }

    /** @return source MAC in the low 48 bits. */
    public long srcMac()
    {
        return getMac(address + SRC_MAC_OFFSET);
    }

    /** Sets the source MAC. @return this. */
    public EthernetFlyweight srcMac(final long mac)
    {
        putMac(address + SRC_MAC_OFFSET, mac);
        return this;
    }

    /** Rewrites the EtherType after the tags (the one {@link #etherType()} reports). @return this. */
    public EthernetFlyweight etherType(final int type)
    {
        putU16(address + headerLength - 2, type);
        etherType = type;
        return this;
    }

    /**
     * Whether a destination MAC is a group (multicast or broadcast) address.
     *
     * @param mac MAC in the low 48 bits.
     * @return true when the I/G bit is set.
     */
    public static boolean isGroupMac(final long mac)
    {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    /**
     * Writes an untagged Ethernet header.
     *
     * @return {@link #HEADER_LENGTH}.
     */
    public static int writeUntagged(
        final long address, final long dstMac, final long srcMac, final int etherType)
    {
        putMac(address + DST_MAC_OFFSET, dstMac);
        putMac(address + SRC_MAC_OFFSET, srcMac);
        putU16(address + ETHER_TYPE_OFFSET, etherType);
        return HEADER_LENGTH;
    }

    /**
     * Rewrites both MACs of the Ethernet header starting at {@code address}.
     */
    public static void writeMacs(final long address, final long dstMac, final long srcMac)
    {
        putMac(address + DST_MAC_OFFSET, dstMac);
        putMac(address + SRC_MAC_OFFSET, srcMac);
    }
}
