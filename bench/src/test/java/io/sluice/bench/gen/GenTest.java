package io.sluice.bench.gen;

import java.util.List;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

import static io.sluice.bench.gen.TrafficFramesTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenTest
{
    private static void assertRefused(final String expectedMessage, final String... args)
    {
        final ParameterException ex = assertThrows(ParameterException.class, () -> config(args));
        assertTrue(ex.getMessage().contains(expectedMessage), "message: " + ex.getMessage());
    }

    @Test
    void shouldApplyTheDefaultsWhenOnlyTheRequiredOptionsAreGiven()
    {
        final GenConfig config = config();

        assertEquals(List.of("--in-memory", "--no-pci", "--no-telemetry", "--log-level=notice", "-l", "0"), config.ealArgs());
        assertTrue(config.onePort());
        assertEquals(74, config.frameSize());
        assertEquals(6, config.protocol());
        assertEquals(1000, config.flows());
        assertEquals(0, config.ratePps());
        assertEquals(10_000_000_000L, config.durationNs());
        assertEquals(1_000_000_000L, config.warmupNs());
        assertEquals(-1, config.srcMac());
        assertEquals(0x02_00_00_00_00_01L, config.dstMac());
        assertEquals(64512L * ((1L << 24) - 1), config.clients().size(), "10.0.0.1 to 10.255.255.255, ports 1024 to 65535");
        assertEquals(Expect.IPIP, config.expect());
    }

    @Test
    void shouldParseQuantitiesAndPinTheCoreWhenGiven()
    {
        final GenConfig config = config("--rate", "1.5M", "--flows", "10M", "--new-flows", "12.5", "--count", "2k",
            "--core", "1", "--rx-port", "net_ring1", "--expect", "GUE", "--warmup", "250ms", "--vip", "2001:db8::20",
            "--clients", "fd00::/64");

        assertEquals(1_500_000, config.ratePps());
        assertEquals(10_000_000, config.flows());
        assertEquals(125_000, config.newFlowsPpm());
        assertEquals(2000, config.count());
        assertEquals(0, config.durationNs());
        assertEquals(250_000_000L, config.warmupNs());
        assertEquals(List.of("-l", "1"), config.ealArgs().subList(4, 6));
        assertEquals("net_ring1", config.rxDevice());
        assertEquals(Expect.GUE, config.expect());
        assertEquals(94, config.frameSize());
        assertEquals(((1L << 32) - 1) * 64512, config.clients().size(), "only the low 32 bits vary");
    }

    @Test
    void shouldRefuseBadOptionsWithTheirName()
    {
        assertRefused("--flows must be 1 to 10M", "--flows", "0");
        assertRefused("--flows must be 1 to 10M", "--flows", "11M");
        assertRefused("--flows 11 is more than the 10 tuples", "--flows", "11", "--clients", "10.0.0.1/32", "--client-ports", "1-10");
        assertRefused("--new-flows must be a percentage", "--new-flows", "101");
        assertRefused("--size must be 74 to 1518 for IPv4 TCP", "--size", "64");
        assertRefused("--size must be 74 to 1518", "--size", "1519");
        assertRefused("--clients 10.0.0.0/8 is not of the VIP's family", "--vip", "2001:db8::1", "--clients", "10.0.0.0/8");
        assertRefused("--vip must be an IPv4 or IPv6 address", "--vip", "lb.example");
        assertRefused("--dst-mac must be a MAC", "--dst-mac", "02:00");
        assertRefused("--rate: '2X' is not a whole count", "--rate", "2X");
        assertRefused("--duration: 'soon' is not a duration", "--duration", "soon");
        assertRefused("--proto must be tcp or udp", "--proto", "sctp");
        assertRefused("--burst must be 1 to 512", "--burst", "0");
        assertRefused("--backend-mac must be MAC=NAME", "--backend-mac", "02:00:00:00:00:01");
        assertRefused("--client-ports must be FIRST-LAST", "--client-ports", "1024");
    }

    @Test
    void shouldAllowTheSmallestFrameWhenIpv4Udp()
    {
        assertEquals(64, config("--proto", "udp").frameSize(), "14 + 20 + 8 + 16 + 4 = 62, raised to the Ethernet minimum");
    }
}
