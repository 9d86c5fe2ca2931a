package io.sluice.controlplane.ctl;

import org.junit.jupiter.api.Test;

import io.sluice.controlplane.api.v1.EventKind;
import io.sluice.controlplane.api.v1.HealthCheckKind;
import io.sluice.controlplane.api.v1.Protocol;
import io.sluice.controlplane.api.v1.Scheduler;
import io.sluice.controlplane.api.v1.ServiceFlag;
import io.sluice.controlplane.api.v1.ServiceKey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The argument forms of {@code sluice ctl}: services, address and port pairs, payloads, durations,
 * and the enum names shared with the configuration file.
 */
class CtlArgumentsTest
{
    @Test
    void shouldParseServicesWithAndWithoutAProtocol()
    {
        assertEquals(ServiceKey.newBuilder().setVip("192.0.2.10").setPort(80).setProtocol(Protocol.PROTOCOL_TCP).build(),
            CtlArguments.serviceKey("192.0.2.10:80"));
        assertEquals(ServiceKey.newBuilder().setVip("192.0.2.53").setPort(53).setProtocol(Protocol.PROTOCOL_UDP).build(),
            CtlArguments.serviceKey("192.0.2.53:53/udp"));
        assertEquals(ServiceKey.newBuilder().setVip("2001:db8::10").setPort(443).setProtocol(Protocol.PROTOCOL_TCP).build(),
            CtlArguments.serviceKey("[2001:db8::10]:443/tcp"));
        assertEquals("[2001:db8::10]:443/tcp", CtlNames.service(CtlArguments.serviceKey("[2001:db8::10]:443")));
    }

    @Test
    void shouldRefuseMalformedServicesNamingTheForm()
    {
        final IllegalArgumentException sctp = assertThrows(IllegalArgumentException.class,
            () -> CtlArguments.serviceKey("192.0.2.10:80/sctp"));
        assertEquals("'192.0.2.10:80/sctp' is not a service: VIP:PORT[/tcp|udp], e.g. 192.0.2.10:80/tcp or " +
            "[2001:db8::10]:443/tcp", sctp.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CtlArguments.serviceKey("192.0.2.10"));
        assertThrows(IllegalArgumentException.class, () -> CtlArguments.serviceKey("2001:db8::10:443"));
        assertThrows(IllegalArgumentException.class, () -> CtlArguments.serviceKey("192.0.2.10:http"));
        assertThrows(IllegalArgumentException.class, () -> CtlArguments.serviceKey("192.0.2.10:123456"));
    }

    @Test
    void shouldParseEndpointsAndAskForBracketsAroundIpv6()
    {
        assertEquals(new CtlArguments.Endpoint("198.51.100.7", 40000), CtlArguments.Endpoint.parse("198.51.100.7:40000"));
        assertEquals(new CtlArguments.Endpoint("::1", 50051), CtlArguments.Endpoint.parse("[::1]:50051"));
        assertEquals(new CtlArguments.Endpoint("lb1.example.net", 50051), CtlArguments.Endpoint.parse("lb1.example.net:50051"));
        assertEquals("[::1]:50051", CtlArguments.Endpoint.parse("[::1]:50051").toString());
        final IllegalArgumentException ipv6 = assertThrows(IllegalArgumentException.class,
            () -> CtlArguments.Endpoint.parse("2001:db8::7:40000"));
        assertEquals("'2001:db8::7:40000' is not ADDRESS:PORT, e.g. 198.51.100.7:40000 or [2001:db8::7]:40000 (write an IPv6 " +
            "address in brackets)", ipv6.getMessage());
    }

    @Test
    void shouldParsePayloadsAsTextOrHex()
    {
        assertEquals("ping", CtlArguments.payload("ping").toStringUtf8());
        assertEquals(3, CtlArguments.payload("hex:0001ff").size());
        assertEquals((byte)0xff, CtlArguments.payload("hex:0001ff").byteAt(2));
        final IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> CtlArguments.payload("hex:abc"));
        assertEquals("'hex:abc' is not hex: followed by an even number of hex digits, e.g. hex:0001ff", odd.getMessage());
    }

    @Test
    void shouldParseDurationsIntoProtobufDurations()
    {
        assertEquals(2, CtlArguments.duration("2s").getSeconds());
        assertEquals(500_000_000, CtlArguments.duration("500ms").getNanos());
        assertEquals(300, CtlArguments.duration("5m").getSeconds());
        assertThrows(IllegalArgumentException.class, () -> CtlArguments.duration("2 seconds"));
    }

    @Test
    void shouldNameEnumValuesAsTheConfigurationFileDoes()
    {
        assertEquals(Scheduler.SCHEDULER_WEIGHTED_ROUND_ROBIN, CtlNames.parse(Scheduler.class, CtlNames.SCHEDULER,
            "weighted-round-robin"));
        assertEquals("least-response-time", CtlNames.scheduler(Scheduler.SCHEDULER_LEAST_RESPONSE_TIME));
        assertEquals("maglev", CtlNames.scheduler(Scheduler.SCHEDULER_UNSPECIFIED));
        assertEquals(ServiceFlag.SERVICE_FLAG_RESET_ON_DOWN, CtlNames.parse(ServiceFlag.class, CtlNames.FLAG, "reset-on-down"));
        assertEquals(EventKind.EVENT_KIND_NO_BACKEND, CtlNames.parse(EventKind.class, CtlNames.EVENT, "no-backend"));
        assertEquals(HealthCheckKind.HEALTH_CHECK_KIND_NONE, CtlNames.parse(HealthCheckKind.class, CtlNames.HEALTH_CHECK, "none"));
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> CtlNames.parse(HealthCheckKind.class, CtlNames.HEALTH_CHECK, "unspecified"));
        assertEquals("'unspecified' is not one of none, icmp, tcp, http, https, udp", unknown.getMessage());
    }
}
