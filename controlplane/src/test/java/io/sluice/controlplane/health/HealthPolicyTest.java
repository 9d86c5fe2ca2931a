package io.sluice.controlplane.health;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HealthPolicyTest
{
    private static final HealthPolicy HTTP = HealthPolicy.defaults(HealthCheckKind.HTTP);

    @Test
    void shouldHoldTheDocumentedDefaultsWhenMadeByDefaults()
    {
        assertEquals(HealthCheckKind.HTTP, HTTP.kind());
        assertEquals(0, HTTP.port());
        assertEquals("/", HTTP.httpPath());
        assertNull(HTTP.httpHost());
        assertEquals(200, HTTP.expectStatus());
        assertArrayEquals(new byte[0], HTTP.udpSend());
        assertArrayEquals(new byte[0], HTTP.udpExpect());
        assertEquals(Duration.ofSeconds(2), HTTP.interval());
        assertEquals(Duration.ofSeconds(1), HTTP.timeout());
        assertEquals(2, HTTP.rise());
        assertEquals(3, HTTP.fall());
    }

    @Test
    void shouldRefuseDefaultsWhenKindIsUdpBecauseItHasNoPayload()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> HealthPolicy.defaults(HealthCheckKind.UDP));
        assertEquals("kind UDP has no default payload: use HealthPolicy.udp(send, expect)", ex.getMessage());
    }

    @Test
    void shouldBuildUdpPolicyWhenGivenPayloadAndPrefix()
    {
        final HealthPolicy udp = HealthPolicy.udp(bytes("ping"), bytes("pong"));
        assertEquals(HealthCheckKind.UDP, udp.kind());
        assertArrayEquals(bytes("ping"), udp.udpSend());
        assertArrayEquals(bytes("pong"), udp.udpExpect());
        assertArrayEquals(new byte[0], HealthPolicy.udp(bytes("ping"), null).udpExpect());
    }

    @Test
    void shouldFillNullPathWhenConstructed()
    {
        final HealthPolicy policy = new HealthPolicy(
            HealthCheckKind.TCP, 80, null, null, 200, null, null, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3);
        assertEquals("/", policy.httpPath());
        assertEquals(HealthPolicy.defaults(HealthCheckKind.TCP).withPort(80), policy);
    }

    @Test
    void shouldNameFieldAndValueWhenRefusingEachBadField()
    {
        assertRefused("kind must be one of NONE, ICMP, TCP, HTTP, HTTPS, UDP, not null",
            () -> new HealthPolicy(null, 0, "/", null, 200, null, null, HTTP.interval(), HTTP.timeout(), 2, 3));
        assertRefused("port must be 0..65535 (0 = the service's port), not -1", () -> HTTP.withPort(-1));
        assertRefused("port must be 0..65535 (0 = the service's port), not 65536", () -> HTTP.withPort(65_536));
        assertRefused("expectStatus must be 100..599, not 99", () -> HTTP.withHttp("/", null, 99));
        assertRefused("expectStatus must be 100..599, not 600", () -> HTTP.withHttp("/", null, 600));
        assertRefused("rise must be 1..100, not 0", () -> HTTP.withCounts(0, 3));
        assertRefused("rise must be 1..100, not 101", () -> HTTP.withCounts(101, 3));
        assertRefused("fall must be 1..100, not 0", () -> HTTP.withCounts(2, 0));
        assertRefused("fall must be 1..100, not 101", () -> HTTP.withCounts(2, 101));
        assertRefused("udpSend must not be empty for a UDP check: a UDP backend answers a request",
            () -> HealthPolicy.udp(new byte[0], null));
        assertRefused("udpSend must be at most 65507 bytes, not 65508 bytes",
            () -> HealthPolicy.udp(new byte[65_508], null));
        assertRefused("udpExpect must be at most 65507 bytes, not 65508 bytes",
            () -> HealthPolicy.udp(bytes("x"), new byte[65_508]));
    }

    @Test
    void shouldRefuseBadHttpPathAndHostWhenTheyCouldBreakTheRequest()
    {
        assertRefused("httpPath must start with '/', be at most 2048 characters and hold no spaces or control " +
            "characters, not 'health'", () -> HTTP.withHttp("health", null, 200));
        assertRefused("httpPath must start with '/', be at most 2048 characters and hold no spaces or control " +
            "characters, not '/a b'", () -> HTTP.withHttp("/a b", null, 200));
        assertRefused("httpPath must start with '/', be at most 2048 characters and hold no spaces or control " +
            "characters, not '/x??Evil: 1'", () -> HTTP.withHttp("/x\r\nEvil: 1", null, 200));
        assertRefused("httpHost must be null (the backend address) or 1..255 characters without spaces or " +
            "control characters, not ''", () -> HTTP.withHttp("/", "", 200));
        assertRefused("httpHost must be null (the backend address) or 1..255 characters without spaces or " +
            "control characters, not 'a?b'", () -> HTTP.withHttp("/", "a\nb", 200));
    }

    @Test
    void shouldRefuseTimingWhenTimeoutIsNotLessThanIntervalOrOutOfRange()
    {
        assertRefused("timeout must be less than interval PT1S (one check at a time), not PT1S",
            () -> HTTP.withTiming(Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertRefused("timeout must be less than interval PT1S (one check at a time), not PT2S",
            () -> HTTP.withTiming(Duration.ofSeconds(1), Duration.ofSeconds(2)));
        assertRefused("interval must be more than 0 and at most 1h, not PT0S",
            () -> HTTP.withTiming(Duration.ZERO, Duration.ofMillis(1)));
        assertRefused("interval must be more than 0 and at most 1h, not PT-1S",
            () -> HTTP.withTiming(Duration.ofSeconds(-1), Duration.ofMillis(1)));
        assertRefused("interval must be more than 0 and at most 1h, not PT1H0.001S",
            () -> HTTP.withTiming(Duration.ofHours(1).plusMillis(1), Duration.ofMillis(1)));
        assertRefused("interval must be more than 0 and at most 1h, not null",
            () -> HTTP.withTiming(null, Duration.ofMillis(1)));
        assertRefused("timeout must be at least 1ms, not PT0.0009S",
            () -> HTTP.withTiming(Duration.ofSeconds(1), Duration.ofNanos(900_000)));
        assertRefused("timeout must be at least 1ms, not null", () -> HTTP.withTiming(Duration.ofSeconds(1), null));
    }

    @Test
    void shouldAcceptTheLimitsWhenOnTheBoundary()
    {
        final HealthPolicy policy = HTTP.withPort(65_535).withHttp("/", "h", 599).withCounts(100, 1)
            .withTiming(Duration.ofHours(1), Duration.ofMillis(1));
        assertEquals(65_535, policy.port());
        assertEquals(599, policy.expectStatus());
        assertEquals(100, policy.rise());
        assertEquals(1, policy.fall());
        assertEquals(1, policy.timeoutMs());
        assertEquals(100, HTTP.withHttp("/", null, 100).expectStatus());
    }

    @Test
    void shouldCompareArraysByContentWhenTestingEquality()
    {
        final HealthPolicy a = HealthPolicy.udp(bytes("ping"), bytes("pong"));
        final HealthPolicy b = HealthPolicy.udp(bytes("ping"), bytes("pong"));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, HealthPolicy.udp(bytes("ping"), bytes("pang")));
        assertNotEquals(HTTP, HTTP.withCounts(2, 4));
    }

    @Test
    void shouldCopyArraysWhenTheCallerChangesThemLater()
    {
        final byte[] send = bytes("ping");
        final HealthPolicy policy = HealthPolicy.udp(send, null);
        send[0] = 'X';
        policy.udpSend()[1] = 'X';
        assertArrayEquals(bytes("ping"), policy.udpSend());
    }

    @Test
    void shouldRoundTimeoutUpWhenConvertingToMilliseconds()
    {
        assertEquals(1000, HTTP.timeoutMs());
        assertEquals(2, HTTP.withTiming(Duration.ofSeconds(1), Duration.ofNanos(1_000_001)).timeoutMs());
    }

    @Test
    void shouldPickServicePortWhenPolicyPortIsZero()
    {
        assertEquals(8080, HTTP.effectivePort(8080));
        assertEquals(9000, HTTP.withPort(9000).effectivePort(8080));
    }

    @Test
    void shouldShowBytesInHexWhenPrinted()
    {
        assertEquals("HealthPolicy[kind=UDP, port=0, httpPath=/, httpHost=null, expectStatus=200, udpSend=70696e67, " +
            "udpExpect=, interval=2000ms, timeout=1000ms, rise=2, fall=3]", HealthPolicy.udp(bytes("ping"), null).toString());
    }

    private static void assertRefused(final String message, final Runnable construction)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, construction::run);
        assertEquals(message, ex.getMessage());
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
