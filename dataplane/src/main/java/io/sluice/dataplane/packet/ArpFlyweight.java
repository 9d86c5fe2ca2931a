package io.sluice.dataplane.packet;

import static io.sluice.dataplane.packet.NetworkOrder.getI32;
import static io.sluice.dataplane.packet.NetworkOrder.getMac;
import static io.sluice.dataplane.packet.NetworkOrder.getU16;
import static io.sluice.dataplane.packet.NetworkOrder.putI32;
import static io.sluice.dataplane.packet.NetworkOrder.putMac;
import static io.sluice.dataplane.packet.NetworkOrder.putU16;

/**
 * ARP for IPv4 over Ethernet (RFC 826).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Hardware type (1)         |     Protocol type (0x0800)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  HLEN (6)     |  PLEN (4)     |     Operation (1 req, 2 rep)  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Sender MAC (6) | Sender IP (4) | Target MAC (6) | Target IP (4)|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class ArpFlyweight extends HeaderFlyweight
{
    /** Length of an Ethernet/IPv4 ARP message. */
    public static final int LENGTH = 28;
    /** Request. */
    public static final int OPERATION_REQUEST = 1;
    /** Reply. */
    public static final int OPERATION_REPLY = 2;
    private static final int OPERATION_OFFSET = 6;
    private static final int SENDER_MAC_OFFSET = 8;
    private static final int SENDER_IP_OFFSET = 14;
    private static final int TARGET_MAC_OFFSET = 18;
    private static final int TARGET_IP_OFFSET = 24;

    /**
     * Wraps an ARP message; only Ethernet (1) / IPv4 (0x0800) with lengths 6 / 4 is accepted.
     *
     * @return false for truncated or other ARP flavours.
     */
    public boolean wrap(final long address, final int available)
    {
        point(address, available);
        return available >= LENGTH &&
            getU16(address) == 1 &&
            getU16(address + 2) == EthernetFlyweight.ETHER_TYPE_IPV4 &&
            getU16(address + 4) == 0x0604;
    }

    /** @return the operation. */
    public int operation()
    {
        return getU16(address + OPERATION_OFFSET);
    }

    /** @return sender MAC. */
    public long senderMac()
    {
        return getMac(address + SENDER_MAC_OFFSET);
    }

    /** @return sender IPv4 address. */
    public int senderIp()
    {
        return getI32(address + SENDER_IP_OFFSET);
    }

    /** @return target MAC. */
    public long targetMac()
    {
        return getMac(address + TARGET_MAC_OFFSET);
    }

    /** @return target IPv4 address. */
    public int targetIp()
    {
        return getI32(address + TARGET_IP_OFFSET);
    }

    /**
     * Writes an Ethernet/IPv4 ARP message.
     *
     * @return {@link #LENGTH}.
     */
    public static int write(
        final long address, final int operation,
        final long senderMac, final int senderIp, final long targetMac, final int targetIp)
    {
        putU16(address, 1);
        putU16(address + 2, EthernetFlyweight.ETHER_TYPE_IPV4);
        putU16(address + 4, 0x0604);
        putU16(address + OPERATION_OFFSET, operation);
        putMac(address + SENDER_MAC_OFFSET, senderMac);
        putI32(address + SENDER_IP_OFFSET, senderIp);
        putMac(address + TARGET_MAC_OFFSET, targetMac);
        putI32(address + TARGET_IP_OFFSET, targetIp);
        return LENGTH;
    }
}
