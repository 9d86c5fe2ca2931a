package io.sluice.sync.wire;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.sync.codec.Family;
import io.sluice.sync.codec.FlowBatchDecoder.FlowsDecoder;
import io.sluice.sync.codec.FlowBatchEncoder.FlowsEncoder;
import io.sluice.sync.codec.FlowOp;

/**
 * One flow of a {@code FlowBatch} to and from a {@link FlowRecord}, through the generated group
 * flyweights. Addresses are written as two big-endian longs (the two halves {@link FlowKey} holds),
 * which puts the 16 bytes in network order.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |      Op       |    Family     |   Protocol    | Svc. Protocol |
 *  +---------------+---------------+---------------+---------------+
 *  |          Source Port          |       Destination Port        |
 *  +-------------------------------+-------------------------------+
 *  |         Service Port          |         Backend Port          |
 *  +-------------------------------+-------------------------------+
 *  |                             Flags                             |
 *  +---------------------------------------------------------------+
 *  |                   Idle Timeout (ns, 8 bytes)                  |
 *  |                   Created (ns, 8 bytes)                       |
 *  |                   Source Address (16 bytes)                   |
 *  |                   Destination Address (16 bytes)              |
 *  |                   Service Address (16 bytes)                  |
 *  |                   Backend Address (16 bytes)                  |
 *  |                   NAT Address (16 bytes, version 3)           |
 *  +-------------------------------+-------------------------------+
 *  |     NAT Port (version 3)      |
 *  +-------------------------------+
 * </pre>
 * Integers little-endian, addresses in network order; 96 bytes in version 1, 114 since version 3.
 * A flow carries the forward form of its {@link FlowRecord} only (client to VIP, the NAT mapping in its
 * NAT fields): {@link FlowRecord#FLAG_NAT_REVERSE} is never on the wire, the receiver derives the
 * reverse entry itself.
 */
final class FlowCodec
{
    private FlowCodec()
    {
    }

    /**
     * Writes one flow into the entry {@code flows.next()} just opened.
     *
     * @param buffer      the message's buffer.
     * @param entryOffset where the entry starts.
     * @param flows       the group encoder, positioned on the entry.
     * @param op          what happened to the flow.
     * @param record      the flow, its NAT mapping included (zeros when it has none).
     */
    static void encode(
        final MutableDirectBuffer buffer, final int entryOffset, final FlowsEncoder flows, final FlowOp op, final FlowRecord record)
    {
        final FlowKey key = record.key();
        flows.op(op)
            .family(key.isIpv6() ? Family.IPV6 : Family.IPV4)
            .protocol((short)key.protocol())
            .serviceProtocol((short)record.serviceProtocol())
            .srcPort(key.srcPort())
            .dstPort(key.dstPort())
            .servicePort(record.servicePort())
            .backendPort(record.backendPort())
            .flags(record.flags() & 0xFFFF_FFFFL)
            .idleTimeoutNanos(record.idleTimeoutNs())
            .createdNanos(record.createdNs())
            .natPort(record.natPort());
        putAddress(buffer, entryOffset + FlowsEncoder.natAddressEncodingOffset(), record.natHi(), record.natLo());
        putAddress(buffer, entryOffset + FlowsEncoder.srcEncodingOffset(), key.srcHi(), key.srcLo());
        putAddress(buffer, entryOffset + FlowsEncoder.dstEncodingOffset(), key.dstHi(), key.dstLo());
        putAddress(buffer, entryOffset + FlowsEncoder.serviceEncodingOffset(), record.serviceHi(), record.serviceLo());
        putAddress(buffer, entryOffset + FlowsEncoder.backendEncodingOffset(), record.backendHi(), record.backendLo());
    }

    /**
     * Whether the entry the decoder stands on holds a flow {@link #decode} can take: a known op, a
     * known family, IPv4-mapped source and destination for IPv4, an idle timeout that is not negative,
     * no {@link FlowRecord#FLAG_NAT_REVERSE}; and a NAT mapping that is either none (port 0, address all
     * zero) or a port and a non-zero address of the backend's family (the reverse entry's tuple is
     * backend to NAT address).
     *
     * @param buffer      the message's buffer.
     * @param entryOffset where the entry starts; the whole entry of this version lies within the message.
     * @param flows       the group decoder, positioned on the entry.
     * @return true when the flow is valid.
     */
    static boolean isValid(final DirectBuffer buffer, final int entryOffset, final FlowsDecoder flows)
    {
        final short op = flows.opRaw();
        if (op < FlowOp.NEW.value() || op > FlowOp.BULK.value() || flows.idleTimeoutNanos() < 0 ||
            (flows.flags() & FlowRecord.FLAG_NAT_REVERSE) != 0 || !isNatValid(buffer, entryOffset, flows))
        {
            return false;
        }
        final short family = flows.familyRaw();
        if (family == Family.IPV6.value())
        {
            return true;
        }
        return family == Family.IPV4.value() &&
            isIpv4Mapped(buffer, entryOffset + FlowsDecoder.srcEncodingOffset()) &&
            isIpv4Mapped(buffer, entryOffset + FlowsDecoder.dstEncodingOffset());
    }

    /**
     * Reads the entry the decoder stands on into a record; the entry passed {@link #isValid}.
     *
     * @param buffer      the message's buffer.
     * @param entryOffset where the entry starts.
     * @param flows       the group decoder, positioned on the entry.
     * @param record      the record to fill; every field is set.
     */
    static void decode(final DirectBuffer buffer, final int entryOffset, final FlowsDecoder flows, final FlowRecord record)
    {
        final int srcOffset = entryOffset + FlowsDecoder.srcEncodingOffset();
        final int dstOffset = entryOffset + FlowsDecoder.dstEncodingOffset();
        final int serviceOffset = entryOffset + FlowsDecoder.serviceEncodingOffset();
        final int backendOffset = entryOffset + FlowsDecoder.backendEncodingOffset();
        final int natOffset = entryOffset + FlowsDecoder.natAddressEncodingOffset();
        final long srcLo = buffer.getLong(srcOffset + 8, ByteOrder.BIG_ENDIAN);
        final long dstLo = buffer.getLong(dstOffset + 8, ByteOrder.BIG_ENDIAN);
        if (flows.familyRaw() == Family.IPV4.value())
        {
            record.key().setIpv4((int)srcLo, (int)dstLo, flows.srcPort(), flows.dstPort(), flows.protocol());
        }
        else
        {
            record.key().setIpv6(buffer.getLong(srcOffset, ByteOrder.BIG_ENDIAN), srcLo,
                buffer.getLong(dstOffset, ByteOrder.BIG_ENDIAN), dstLo, flows.srcPort(), flows.dstPort(), flows.protocol());
        }
        record
            .service(buffer.getLong(serviceOffset, ByteOrder.BIG_ENDIAN), buffer.getLong(serviceOffset + 8, ByteOrder.BIG_ENDIAN),
                flows.servicePort(), flows.serviceProtocol())
            .backend(buffer.getLong(backendOffset, ByteOrder.BIG_ENDIAN), buffer.getLong(backendOffset + 8, ByteOrder.BIG_ENDIAN),
                flows.backendPort())
            .nat(buffer.getLong(natOffset, ByteOrder.BIG_ENDIAN), buffer.getLong(natOffset + 8, ByteOrder.BIG_ENDIAN),
                flows.natPort())
            .idleTimeoutNs(flows.idleTimeoutNanos())
            .createdNs(flows.createdNanos())
            .flags((int)flows.flags());
    }

    static void putAddress(final MutableDirectBuffer buffer, final int offset, final long hi, final long lo)
    {
        buffer.putLong(offset, hi, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + 8, lo, ByteOrder.BIG_ENDIAN);
    }

    private static boolean isNatValid(final DirectBuffer buffer, final int entryOffset, final FlowsDecoder flows)
    {
        final int natOffset = entryOffset + FlowsDecoder.natAddressEncodingOffset();
        final long natHi = buffer.getLong(natOffset, ByteOrder.BIG_ENDIAN);
        final long natLo = buffer.getLong(natOffset + 8, ByteOrder.BIG_ENDIAN);
        if (flows.natPort() == 0)
        {
            return natHi == 0 && natLo == 0;
        }
        return (natHi != 0 || natLo != 0) &&
            isIpv4Mapped(buffer, natOffset) == isIpv4Mapped(buffer, entryOffset + FlowsDecoder.backendEncodingOffset());
    }

    private static boolean isIpv4Mapped(final DirectBuffer buffer, final int offset)
    {
        return FlowKey.isIpv4Mapped(buffer.getLong(offset, ByteOrder.BIG_ENDIAN), buffer.getLong(offset + 8, ByteOrder.BIG_ENDIAN));
    }
}
