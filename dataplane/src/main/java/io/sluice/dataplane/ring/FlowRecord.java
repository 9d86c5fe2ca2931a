package io.sluice.dataplane.ring;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.sluice.dataplane.flow.FlowKey;

/**
 * One flow as it travels between threads and between load balancers: its tuple, the service it
 * belongs to, the backend it is pinned to by address and port (never a local index, which means
 * nothing on another LB or after a snapshot swap), its idle timeout, when the record was made, its
 * scheduler flags and room for the NAT mapping. A mutable holder meant to be reused: nothing here
 * allocates after construction. Not thread safe; each thread owns its own instances.
 * <p>
 * Addresses are two longs each, as {@link FlowKey} holds them (network order within the pair, IPv4
 * as IPv4-mapped). The fixed-length little-endian layout, the form records take in the rings:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |    Version    | Svc. Protocol |         Service Port          |
 *  +---------------+---------------+-------------------------------+
 *  |         Backend Port          |           NAT Port            |
 *  +-------------------------------+-------------------------------+
 *  |                             Flags                             |
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            |
 *  +---------------------------------------------------------------+
 *  |                 Key (40 bytes, see FlowKeyCodec)             ...
 *  +---------------------------------------------------------------+
 *  |                 Service Address, upper 64 bits                |
 *  |                 Service Address, lower 64 bits                |
 *  +---------------------------------------------------------------+
 *  |                 Backend Address, upper 64 bits                |
 *  |                 Backend Address, lower 64 bits                |
 *  +---------------------------------------------------------------+
 *  |                   NAT Address, upper 64 bits                  |
 *  |                   NAT Address, lower 64 bits                  |
 *  +---------------------------------------------------------------+
 *  |                      Idle Timeout (ns)                        |
 *  +---------------------------------------------------------------+
 *  |                       Created At (ns)                         |
 *  +---------------------------------------------------------------+
 * </pre>
 * Every long above is 64 bits (two rows of the diagram's width); all of them sit 8-byte aligned
 * when the record starts 8-byte aligned, as ring messages do. Reserved bytes are written as zero and ignored.
 *
 * <h2>Full NAT: the forward and the reverse entry</h2>
 * A flow of a full-NAT service leaves the LB from an LB-owned address and port (laddr, lport), and its
 * backend's replies come back as backend:bport to laddr:lport. It has two flow-table entries, which a
 * record names by {@link #FLAG_NAT_REVERSE}:
 * <table>
 *   <caption>The NAT contract of a record</caption>
 *   <tr><th>field</th><th>no NAT</th><th>forward entry (flag clear)</th><th>reverse entry ({@link #FLAG_NAT_REVERSE})</th></tr>
 *   <tr><td>key</td><td>client to VIP</td><td>client to VIP</td>
 *       <td>backend:bport to laddr:lport, the flow's protocol, the backend's family</td></tr>
 *   <tr><td>service (address, port, protocol)</td><td colspan="3">the service: its VIP, VIP port and protocol</td></tr>
 *   <tr><td>backend (address, port)</td><td colspan="3">the backend's address and the port it serves on
 *       ({@code ServiceSpec.targetPort()}, which may differ from the VIP port)</td></tr>
 *   <tr><td>NAT (address, port)</td><td>zeros</td><td>laddr, lport</td>
 *       <td>the client's address and port (the forward key's source)</td></tr>
 *   <tr><td>idle timeout, created, other flags</td><td colspan="3">the flow's</td></tr>
 * </table>
 * {@link #hasNatMapping()} (a NAT port other than 0) tells a NAT flow's record. A record's NAT address
 * is all zero exactly when its NAT port is 0. The reverse entry's worker (the one RSS delivers the
 * reply to, which owns lport's port class) holds the port's reservation in the pool of
 * (laddr, backend, bport); from the reverse record it can rebuild the forward key (NAT fields to the
 * service's VIP and port). On the wire a flow travels in its forward form only; the sync receiver makes
 * both records and queues each to the worker its key's packets reach (one record each, even when both
 * reach the same worker).
 */
public final class FlowRecord
{
    /** The layout version this class writes and reads. */
    public static final byte VERSION = 1;

    /** Flag bit: the flow is counted in its backend's connection count for least-connections scheduling. */
    public static final int FLAG_LEAST_CONN_COUNTED = 1;

    /**
     * Flag bit, in a dump or lookup answer: this LB forwarded the flow's last packet (its entry is not
     * only a peer's copy). A sync agent refreshes a peer's copy of these flows only, so that two LBs
     * never keep each other's copies alive.
     */
    public static final int FLAG_LOCAL = 2;

    /**
     * Flag bit, of a full-NAT flow's record: this record is its reverse entry, whose key is the reply's
     * tuple (backend:bport to laddr:lport) and whose NAT fields hold the client's address and port
     * (see the class comment). Never set on a record without a NAT mapping, never sent to a peer.
     */
    public static final int FLAG_NAT_REVERSE = 4;

    /** Offset of the version byte. */
    public static final int VERSION_OFFSET = 0;

    /** Offset of the service's IP protocol number. */
    public static final int SERVICE_PROTOCOL_OFFSET = 1;

    /** Offset of the service port. */
    public static final int SERVICE_PORT_OFFSET = 2;

    /** Offset of the backend port. */
    public static final int BACKEND_PORT_OFFSET = 4;

    /** Offset of the NAT port. */
    public static final int NAT_PORT_OFFSET = 6;

    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 8;

    /** Offset of four reserved bytes. */
    public static final int RESERVED_OFFSET = 12;

    /** Offset of the key, {@link FlowKeyCodec#LENGTH} bytes. */
    public static final int KEY_OFFSET = 16;

    /** Offset of the upper half of the service address. */
    public static final int SERVICE_HI_OFFSET = KEY_OFFSET + FlowKeyCodec.LENGTH;

    /** Offset of the lower half of the service address. */
    public static final int SERVICE_LO_OFFSET = SERVICE_HI_OFFSET + 8;

    /** Offset of the upper half of the backend address. */
    public static final int BACKEND_HI_OFFSET = SERVICE_LO_OFFSET + 8;

    /** Offset of the lower half of the backend address. */
    public static final int BACKEND_LO_OFFSET = BACKEND_HI_OFFSET + 8;

    /** Offset of the upper half of the NAT address. */
    public static final int NAT_HI_OFFSET = BACKEND_LO_OFFSET + 8;

    /** Offset of the lower half of the NAT address. */
    public static final int NAT_LO_OFFSET = NAT_HI_OFFSET + 8;

    /** Offset of the idle timeout in nanoseconds. */
    public static final int IDLE_TIMEOUT_NS_OFFSET = NAT_LO_OFFSET + 8;

    /** Offset of the creation time in nanoseconds, on the producer's clock. */
    public static final int CREATED_NS_OFFSET = IDLE_TIMEOUT_NS_OFFSET + 8;

    /** Length of an encoded record in bytes. */
    public static final int LENGTH = CREATED_NS_OFFSET + 8;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final FlowKey key = new FlowKey();
    private long serviceHi;
    private long serviceLo;
    private int servicePort;
    private int serviceProtocol;
    private long backendHi;
    private long backendLo;
    private int backendPort;
    private long natHi;
    private long natLo;
    private int natPort;
    private long idleTimeoutNs;
    private long createdNs;
    private int flags;

    /**
     * A record with every field zero and an IPv4 key of zeros.
     */
    public FlowRecord()
    {
        reset();
    }

    /**
     * Sets every field to zero and the key to the all-zero IPv4 tuple.
     *
     * @return this record.
     */
    public FlowRecord reset()
    {
        key.setIpv4(0, 0, 0, 0, 0);
        serviceHi = 0;
        serviceLo = 0;
        servicePort = 0;
        serviceProtocol = 0;
        backendHi = 0;
        backendLo = 0;
        backendPort = 0;
        natHi = 0;
        natLo = 0;
        natPort = 0;
        idleTimeoutNs = 0;
        createdNs = 0;
        flags = 0;
        return this;
    }

    /**
     * Copies every field of another record into this one.
     *
     * @param other the record to copy.
     * @return this record.
     */
    public FlowRecord set(final FlowRecord other)
    {
        key.set(other.key);
        serviceHi = other.serviceHi;
        serviceLo = other.serviceLo;
        servicePort = other.servicePort;
        serviceProtocol = other.serviceProtocol;
        backendHi = other.backendHi;
        backendLo = other.backendLo;
        backendPort = other.backendPort;
        natHi = other.natHi;
        natLo = other.natLo;
        natPort = other.natPort;
        idleTimeoutNs = other.idleTimeoutNs;
        createdNs = other.createdNs;
        flags = other.flags;
        return this;
    }

    /**
     * Copies a tuple into this record's own key.
     *
     * @param source the tuple to copy.
     * @return this record.
     */
    public FlowRecord copyKey(final FlowKey source)
    {
        key.set(source);
        return this;
    }

    /**
     * Sets the service in one call.
     *
     * @param hi       upper half of the VIP.
     * @param lo       lower half of the VIP.
     * @param port     service port, 0..65535.
     * @param protocol service IP protocol number.
     * @return this record.
     */
    public FlowRecord service(final long hi, final long lo, final int port, final int protocol)
    {
        serviceHi = hi;
        serviceLo = lo;
        servicePort = port & 0xFFFF;
        serviceProtocol = protocol & 0xFF;
        return this;
    }

    /**
     * Sets the backend in one call.
     *
     * @param hi   upper half of the backend address.
     * @param lo   lower half of the backend address.
     * @param port backend port, 0..65535.
     * @return this record.
     */
    public FlowRecord backend(final long hi, final long lo, final int port)
    {
        backendHi = hi;
        backendLo = lo;
        backendPort = port & 0xFFFF;
        return this;
    }

    /**
     * Sets the NAT mapping in one call (zeros when the flow has none).
     *
     * @param hi   upper half of the LB-owned address.
     * @param lo   lower half of the LB-owned address.
     * @param port LB-owned port, 0..65535.
     * @return this record.
     */
    public FlowRecord nat(final long hi, final long lo, final int port)
    {
        natHi = hi;
        natLo = lo;
        natPort = port & 0xFFFF;
        return this;
    }

    /**
     * Writes the record in the layout of the class comment.
     *
     * @param buffer the buffer to write to.
     * @param offset where the record starts; {@link #LENGTH} bytes are written.
     */
    public void encode(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putByte(offset + VERSION_OFFSET, VERSION);
        buffer.putByte(offset + SERVICE_PROTOCOL_OFFSET, (byte)serviceProtocol);
        buffer.putShort(offset + SERVICE_PORT_OFFSET, (short)servicePort, ORDER);
        buffer.putShort(offset + BACKEND_PORT_OFFSET, (short)backendPort, ORDER);
        buffer.putShort(offset + NAT_PORT_OFFSET, (short)natPort, ORDER);
        buffer.putInt(offset + FLAGS_OFFSET, flags, ORDER);
        buffer.putInt(offset + RESERVED_OFFSET, 0, ORDER);
        FlowKeyCodec.encode(key, buffer, offset + KEY_OFFSET);
        buffer.putLong(offset + SERVICE_HI_OFFSET, serviceHi, ORDER);
        buffer.putLong(offset + SERVICE_LO_OFFSET, serviceLo, ORDER);
        buffer.putLong(offset + BACKEND_HI_OFFSET, backendHi, ORDER);
        buffer.putLong(offset + BACKEND_LO_OFFSET, backendLo, ORDER);
        buffer.putLong(offset + NAT_HI_OFFSET, natHi, ORDER);
        buffer.putLong(offset + NAT_LO_OFFSET, natLo, ORDER);
        buffer.putLong(offset + IDLE_TIMEOUT_NS_OFFSET, idleTimeoutNs, ORDER);
        buffer.putLong(offset + CREATED_NS_OFFSET, createdNs, ORDER);
    }

    /**
     * Reads a record that runs to the end of the buffer or beyond; see {@link #decode(DirectBuffer, int, int)}.
     *
     * @param buffer the buffer to read.
     * @param offset where the record starts.
     * @return false, leaving this record untouched, when fewer than {@link #LENGTH} bytes follow
     *         {@code offset}, the version is unknown or the key is invalid.
     */
    public boolean decode(final DirectBuffer buffer, final int offset)
    {
        return decode(buffer, offset, buffer.capacity() - offset < LENGTH ? -1 : LENGTH);
    }

    /**
     * Reads a record of a known length, such as a ring message. A record that does not decode leaves
     * this one untouched, so the last good state is never half overwritten.
     *
     * @param buffer the buffer to read.
     * @param offset where the record starts.
     * @param length the length the message says the record has; must be {@link #LENGTH}.
     * @return false when the length is not {@link #LENGTH}, the bytes lie outside the buffer, the
     *         version is unknown or the key is invalid ({@link FlowKeyCodec#decode}).
     */
    public boolean decode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length != LENGTH || offset < 0 || offset > buffer.capacity() - LENGTH ||
            buffer.getByte(offset + VERSION_OFFSET) != VERSION || !FlowKeyCodec.isValid(buffer, offset + KEY_OFFSET))
        {
            return false;
        }
        FlowKeyCodec.decode(buffer, offset + KEY_OFFSET, key);
        serviceProtocol = buffer.getByte(offset + SERVICE_PROTOCOL_OFFSET) & 0xFF;
        servicePort = buffer.getShort(offset + SERVICE_PORT_OFFSET, ORDER) & 0xFFFF;
        backendPort = buffer.getShort(offset + BACKEND_PORT_OFFSET, ORDER) & 0xFFFF;
        natPort = buffer.getShort(offset + NAT_PORT_OFFSET, ORDER) & 0xFFFF;
        flags = buffer.getInt(offset + FLAGS_OFFSET, ORDER);
        serviceHi = buffer.getLong(offset + SERVICE_HI_OFFSET, ORDER);
        serviceLo = buffer.getLong(offset + SERVICE_LO_OFFSET, ORDER);
        backendHi = buffer.getLong(offset + BACKEND_HI_OFFSET, ORDER);
        backendLo = buffer.getLong(offset + BACKEND_LO_OFFSET, ORDER);
        natHi = buffer.getLong(offset + NAT_HI_OFFSET, ORDER);
        natLo = buffer.getLong(offset + NAT_LO_OFFSET, ORDER);
        idleTimeoutNs = buffer.getLong(offset + IDLE_TIMEOUT_NS_OFFSET, ORDER);
        createdNs = buffer.getLong(offset + CREATED_NS_OFFSET, ORDER);
        return true;
    }

    /**
     * Whether another record holds the same values in every field.
     *
     * @param other the record to compare with.
     * @return true when every field, the key included, is equal.
     */
    public boolean sameAs(final FlowRecord other)
    {
        return key.sameAs(other.key) &&
            serviceHi == other.serviceHi && serviceLo == other.serviceLo &&
            servicePort == other.servicePort && serviceProtocol == other.serviceProtocol &&
            backendHi == other.backendHi && backendLo == other.backendLo && backendPort == other.backendPort &&
            natHi == other.natHi && natLo == other.natLo && natPort == other.natPort &&
            idleTimeoutNs == other.idleTimeoutNs && createdNs == other.createdNs && flags == other.flags;
    }

    /** @return this record's own tuple; set it through its setters or {@link #copyKey(FlowKey)}. */
    public FlowKey key()
    {
        return key;
    }

    /** @return upper half of the service address (VIP). */
    public long serviceHi()
    {
        return serviceHi;
    }

    /**
     * @param value upper half of the service address (VIP).
     * @return this record.
     */
    public FlowRecord serviceHi(final long value)
    {
        serviceHi = value;
        return this;
    }

    /** @return lower half of the service address (VIP). */
    public long serviceLo()
    {
        return serviceLo;
    }

    /**
     * @param value lower half of the service address (VIP).
     * @return this record.
     */
    public FlowRecord serviceLo(final long value)
    {
        serviceLo = value;
        return this;
    }

    /** @return the service port. */
    public int servicePort()
    {
        return servicePort;
    }

    /**
     * @param value the service port, 0..65535.
     * @return this record.
     */
    public FlowRecord servicePort(final int value)
    {
        servicePort = value & 0xFFFF;
        return this;
    }

    /** @return the service's IP protocol number. */
    public int serviceProtocol()
    {
        return serviceProtocol;
    }

    /**
     * @param value the service's IP protocol number.
     * @return this record.
     */
    public FlowRecord serviceProtocol(final int value)
    {
        serviceProtocol = value & 0xFF;
        return this;
    }

    /** @return upper half of the backend address. */
    public long backendHi()
    {
        return backendHi;
    }

    /**
     * @param value upper half of the backend address.
     * @return this record.
     */
    public FlowRecord backendHi(final long value)
    {
        backendHi = value;
        return this;
    }

    /** @return lower half of the backend address. */
    public long backendLo()
    {
        return backendLo;
    }

    /**
     * @param value lower half of the backend address.
     * @return this record.
     */
    public FlowRecord backendLo(final long value)
    {
        backendLo = value;
        return this;
    }

    /** @return the backend port. */
    public int backendPort()
    {
        return backendPort;
    }

    /**
     * @param value the backend port, 0..65535.
     * @return this record.
     */
    public FlowRecord backendPort(final int value)
    {
        backendPort = value & 0xFFFF;
        return this;
    }

    /** @return upper half of the LB-owned NAT address, 0 when unused. */
    public long natHi()
    {
        return natHi;
    }

    /**
     * @param value upper half of the LB-owned NAT address.
     * @return this record.
     */
    public FlowRecord natHi(final long value)
    {
        natHi = value;
        return this;
    }

    /** @return lower half of the LB-owned NAT address, 0 when unused. */
    public long natLo()
    {
        return natLo;
    }

    /**
     * @param value lower half of the LB-owned NAT address.
     * @return this record.
     */
    public FlowRecord natLo(final long value)
    {
        natLo = value;
        return this;
    }

    /** @return the LB-owned NAT port, 0 when unused. */
    public int natPort()
    {
        return natPort;
    }

    /**
     * @param value the LB-owned NAT port, 0..65535.
     * @return this record.
     */
    public FlowRecord natPort(final int value)
    {
        natPort = value & 0xFFFF;
        return this;
    }

    /** @return the flow's idle timeout in nanoseconds. */
    public long idleTimeoutNs()
    {
        return idleTimeoutNs;
    }

    /**
     * @param value the flow's idle timeout in nanoseconds.
     * @return this record.
     */
    public FlowRecord idleTimeoutNs(final long value)
    {
        idleTimeoutNs = value;
        return this;
    }

    /** @return when the record was made, on the producer's clock in nanoseconds (for replication lag). */
    public long createdNs()
    {
        return createdNs;
    }

    /**
     * @param value when the record was made, on the producer's clock in nanoseconds.
     * @return this record.
     */
    public FlowRecord createdNs(final long value)
    {
        createdNs = value;
        return this;
    }

    /** @return the flag bits: {@link #FLAG_LEAST_CONN_COUNTED}, {@link #FLAG_LOCAL}, {@link #FLAG_NAT_REVERSE}. */
    public int flags()
    {
        return flags;
    }

    /**
     * @param value the flag bits.
     * @return this record.
     */
    public FlowRecord flags(final int value)
    {
        flags = value;
        return this;
    }

    /** @return whether the record carries a NAT mapping: a NAT port other than 0. */
    public boolean hasNatMapping()
    {
        return natPort != 0;
    }

    /** @return whether {@link #FLAG_NAT_REVERSE} is set: the record is a full-NAT flow's reverse entry. */
    public boolean isNatReverse()
    {
        return (flags & FLAG_NAT_REVERSE) != 0;
    }

    /** @return whether {@link #FLAG_LEAST_CONN_COUNTED} is set. */
    public boolean isLeastConnCounted()
    {
        return (flags & FLAG_LEAST_CONN_COUNTED) != 0;
    }

    /** {@inheritDoc} */
    @Override
    public String toString()
    {
        return "FlowRecord{" + key +
            " service " + Long.toHexString(serviceHi) + ":" + Long.toHexString(serviceLo) + " " + servicePort +
            " proto " + serviceProtocol +
            " backend " + Long.toHexString(backendHi) + ":" + Long.toHexString(backendLo) + " " + backendPort +
            " nat " + Long.toHexString(natHi) + ":" + Long.toHexString(natLo) + " " + natPort +
            " idleTimeoutNs " + idleTimeoutNs + " createdNs " + createdNs + " flags " + flags + "}";
    }
}
