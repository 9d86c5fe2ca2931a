package io.sluice.sync.wire;

import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.agrona.MutableDirectBuffer;

import io.sluice.dataplane.ring.FlowRecord;

/**
 * Keys, flows and an independent signer for the wire tests.
 */
final class WireFixtures
{
    static final byte[] KEY_BYTES = bytes(32, 0x11);
    static final byte[] OTHER_KEY_BYTES = bytes(32, 0x77);
    static final SyncKey KEY = SyncKey.of(KEY_BYTES);
    static final SyncKey OTHER_KEY = SyncKey.of(OTHER_KEY_BYTES);
    static final int SENDER = 7;
    static final int RECEIVER = 9;
    static final long EPOCH = 1_765_000_000_000L;
    static final long NOW_NS = 1_765_000_000_000_000_000L;
    static final long MAX_IPV4_MAPPED_LO = 0x0000_FFFF_FFFF_FFFFL;

    private WireFixtures()
    {
    }

    static byte[] bytes(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed + 31 * i);
        }
        return bytes;
    }

    /** An IPv4 flow: 10.0.x.y:port -> 192.0.2.10:80 to backend 203.0.113.(1 + i % 3):8080. */
    static FlowRecord ipv4Flow(final int i)
    {
        final FlowRecord record = new FlowRecord();
        record.key().setIpv4(0x0A00_0000 + i, 0xC000_020A, 1024 + i, 80, 6);
        return record
            .service(0, 0x0000_FFFF_C000_020AL, 80, 6)
            .backend(0, 0x0000_FFFF_CB00_7101L + i % 3, 8080)
            .idleTimeoutNs(300_000_000_000L)
            .createdNs(NOW_NS - i)
            .flags(i & 1);
    }

    /** An IPv6 flow: 2001:db8::i -> 2001:db8::10 to backend 2001:db8:1::(i % 3). */
    static FlowRecord ipv6Flow(final int i)
    {
        final FlowRecord record = new FlowRecord();
        record.key().setIpv6(0x2001_0DB8_0000_0000L, i, 0x2001_0DB8_0000_0000L, 0x10, 40_000 + i, 443, 17);
        return record
            .service(0x2001_0DB8_0000_0000L, 0x10, 443, 17)
            .backend(0x2001_0DB8_0001_0000L, i % 3, 443)
            .idleTimeoutNs(30_000_000_000L)
            .createdNs(NOW_NS + i)
            .flags(0);
    }

    /** A flow with every field at its largest. */
    static FlowRecord maxFlow()
    {
        final FlowRecord record = new FlowRecord();
        record.key().setIpv6(-1L, -1L, -1L, -1L, 0xFFFF, 0xFFFF, 0xFF);
        return record
            .service(-1L, -1L, 0xFFFF, 0xFF)
            .backend(-1L, -1L, 0xFFFF)
            .nat(-1L, -1L, 0xFFFF)
            .idleTimeoutNs(Long.MAX_VALUE)
            .createdNs(Long.MIN_VALUE)
            .flags(~FlowRecord.FLAG_NAT_REVERSE);
    }

    /** The largest IPv4 flow: 255.255.255.255 both ways. */
    static FlowRecord maxIpv4Flow()
    {
        final FlowRecord record = new FlowRecord();
        record.key().setIpv4(-1, -1, 0xFFFF, 0xFFFF, 0xFF);
        return record
            .service(0, MAX_IPV4_MAPPED_LO, 0xFFFF, 0xFF)
            .backend(0, MAX_IPV4_MAPPED_LO, 0xFFFF)
            .nat(0, MAX_IPV4_MAPPED_LO, 0xFFFF)
            .idleTimeoutNs(Long.MAX_VALUE)
            .createdNs(Long.MAX_VALUE)
            .flags(~FlowRecord.FLAG_NAT_REVERSE);
    }

    /** {@link #ipv4Flow} gone out through full NAT: from 198.51.100.(1 + i % 2), port 20000 + i. */
    static FlowRecord ipv4NatFlow(final int i)
    {
        return ipv4Flow(i).nat(0, 0x0000_FFFF_C633_6401L + i % 2, 20_000 + i);
    }

    /** {@link #ipv6Flow} gone out through full NAT: from 2001:db8:2::(1 + i % 2), port 30000 + i. */
    static FlowRecord ipv6NatFlow(final int i)
    {
        return ipv6Flow(i).nat(0x2001_0DB8_0002_0000L, 1 + i % 2, 30_000 + i);
    }

    /**
     * Signs a message again with a key, by a model independent of the code under test: the first
     * 16 bytes of HMAC-SHA-256 over everything before the tag.
     */
    static void resign(final MutableDirectBuffer buffer, final int offset, final int length, final byte[] key)
    {
        final byte[] tag = tag(buffer, offset, length - SyncProtocol.TAG_LENGTH, key);
        buffer.putBytes(offset + length - SyncProtocol.TAG_LENGTH, tag, 0, SyncProtocol.TAG_LENGTH);
    }

    /** HMAC-SHA-256 of {@code [offset, offset + bodyLength)}, all 32 bytes. */
    static byte[] tag(final MutableDirectBuffer buffer, final int offset, final int bodyLength, final byte[] key)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            final byte[] body = new byte[bodyLength];
            buffer.getBytes(offset, body);
            return mac.doFinal(body);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
