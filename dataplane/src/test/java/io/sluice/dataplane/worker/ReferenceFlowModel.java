package io.sluice.dataplane.worker;

import java.util.ArrayList;
import java.util.List;

import io.sluice.dataplane.maglev.MaglevBackend;
import io.sluice.dataplane.maglev.MaglevReferenceModel;

/**
 * The independent model a system test checks the forwarder against: the documented flow hash,
 * written again here from its specification (not calling FlowKey), the documented Maglev slot
 * mapping, and the Maglev reference model's table. Predicts the backend and the tunnel source of
 * a flow.
 */
public final class ReferenceFlowModel
{
    private static final long SEED = 0x51CE_5EED_0DDB_A11L;
    private static final long C1 = 0x9E37_79B9_7F4A_7C15L;
    private static final long C2 = 0xBF58_476D_1CE4_E5B9L;
    private static final long C3 = 0x94D0_49BB_1331_11EBL;
    private static final int SIZE = 65537;

    private final int[] table;

    public ReferenceFlowModel(final List<byte[]> backendAddresses, final List<Integer> weights)
    {
        final List<MaglevBackend> backends = new ArrayList<>();
        for (int i = 0; i < backendAddresses.size(); i++)
        {
            backends.add(new MaglevBackend(backendAddresses.get(i), weights.get(i)));
        }
        table = MaglevReferenceModel.build(backends, SIZE);
    }

    public int backendFor(final long hash)
    {
        return table[(int)(((hash >>> 32) * SIZE) >>> 32)];
    }

    static int sourceIndex(final long hash, final int count)
    {
        return (int)(((hash & 0xFFFF_FFFFL) * count) >>> 32);
    }

    public static long hash(final byte[] src, final byte[] dst, final int srcPort, final int dstPort, final int protocol)
    {
        final boolean ipv6 = src.length == 16;
        long h = SEED;
        h = mix(h, hi(src));
        h = mix(h, lo(src));
        h = mix(h, hi(dst));
        h = mix(h, lo(dst));
        h = mix(h, ((long)srcPort << 32) | ((long)dstPort << 16) | ((long)protocol << 1) | (ipv6 ? 1 : 0));
        h ^= h >>> 32;
        h *= C3;
        h ^= h >>> 29;
        h *= C2;
        h ^= h >>> 32;
        return h;
    }

    private static long mix(final long h, final long value)
    {
        return Long.rotateLeft(h ^ (value * C1), 29) * C2;
    }

    private static long hi(final byte[] address)
    {
        return address.length == 4 ? 0 : bytesToLong(address, 0);
    }

    private static long lo(final byte[] address)
    {
        if (address.length == 4)
        {
            return 0x0000_FFFF_0000_0000L | (bytesToLong(address, 0) >>> 32 & 0xFFFF_FFFFL);
        }
        return bytesToLong(address, 8);
    }

    private static long bytesToLong(final byte[] bytes, final int offset)
    {
        long value = 0;
        for (int i = 0; i < 8; i++)
        {
            value = (value << 8) | (offset + i < bytes.length ? bytes[offset + i] & 0xFF : 0);
        }
        return value;
    }
}
