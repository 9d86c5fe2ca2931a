package io.sluice.dataplane.ring;

import io.sluice.dataplane.flow.FlowKey;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Flows with every field set to a distinct value (high bits included), and a field-by-field check.
 */
final class RingFixtures
{
    static final int TCP = 6;
    static final int UDP = 17;

    private RingFixtures()
    {
    }

    /** 192.168.0.1:54321 → 192.0.2.10:80 TCP, to backend 10.0.0.11:8080, NAT 10.0.0.2:40000. */
    static FlowRecord ipv4Flow()
    {
        final FlowRecord record = new FlowRecord();
        record.key().setIpv4(0xC0A8_0001, 0xC000_020A, 54321, 80, TCP);
        return record
            .service(0, FlowKey.ipv4MappedLo(0xC000_020A), 80, TCP)
            .backend(0, FlowKey.ipv4MappedLo(0x0A00_000B), 8080)
            .nat(0, FlowKey.ipv4MappedLo(0x0A00_0002), 40000)
            .idleTimeoutNs(300_000_000_000L)
            .createdNs(123_456_789_012L)
            .flags(FlowRecord.FLAG_LEAST_CONN_COUNTED);
    }

    /** [2001:db8::1:0:0:0:42]:65535 → [2001:db8:ffff::8000:0:0:a]:443 UDP, backend and NAT with the top bits set. */
    static FlowRecord ipv6Flow()
    {
        final FlowRecord record = new FlowRecord();
        record.key().setIpv6(0x2001_0DB8_0000_0001L, 0x0000_0000_0000_0042L, 0x2001_0DB8_FFFF_0000L, 0x8000_0000_0000_000AL,
            65535, 443, UDP);
        return record
            .service(0x2001_0DB8_FFFF_0000L, 0x8000_0000_0000_000AL, 443, UDP)
            .backend(0xFD00_0000_0000_0000L, 0xFFFF_FFFF_FFFF_FFFEL, 65534)
            .nat(0xFD00_0000_0000_0001L, 0x0000_0000_0000_0001L, 1)
            .idleTimeoutNs(Long.MAX_VALUE)
            .createdNs(-5L)
            .flags(0x8000_0001);
    }

    /**
     * Asserts every field, so a failure names the one that differs.
     */
    static void assertSameFlow(final FlowRecord expected, final FlowRecord actual)
    {
        assertEquals(expected.key().toString(), actual.key().toString(), "key");
        assertEquals(expected.key().isIpv6(), actual.key().isIpv6(), "family");
        assertEquals(expected.serviceHi(), actual.serviceHi(), "serviceHi");
        assertEquals(expected.serviceLo(), actual.serviceLo(), "serviceLo");
        assertEquals(expected.servicePort(), actual.servicePort(), "servicePort");
        assertEquals(expected.serviceProtocol(), actual.serviceProtocol(), "serviceProtocol");
        assertEquals(expected.backendHi(), actual.backendHi(), "backendHi");
        assertEquals(expected.backendLo(), actual.backendLo(), "backendLo");
        assertEquals(expected.backendPort(), actual.backendPort(), "backendPort");
        assertEquals(expected.natHi(), actual.natHi(), "natHi");
        assertEquals(expected.natLo(), actual.natLo(), "natLo");
        assertEquals(expected.natPort(), actual.natPort(), "natPort");
        assertEquals(expected.idleTimeoutNs(), actual.idleTimeoutNs(), "idleTimeoutNs");
        assertEquals(expected.createdNs(), actual.createdNs(), "createdNs");
        assertEquals(expected.flags(), actual.flags(), "flags");
        assertEquals(true, expected.sameAs(actual), "sameAs");
    }
}
