package io.sluice.bench.gen;

import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.sluice.bench.gen.Frames.ethernet;
import static io.sluice.bench.gen.Frames.ipPacket;
import static io.sluice.bench.gen.Frames.ipv4;
import static io.sluice.bench.gen.Frames.ipv6;
import static io.sluice.bench.gen.Frames.udp;
import static io.sluice.bench.gen.TrafficFramesTest.config;
import static io.sluice.bench.gen.TrafficFramesTest.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The decoder against the load balancer's outputs built independently around the generator's
 * frames: every mode, both families, both GUE variants, VLAN tags, and what is not the generator's.
 */
class OutputDecoderTest
{
    private static final long BACKEND_MAC = 0x02_00_00_00_10_07L;
    private static final long ROUTER_MAC = 0x02_00_00_00_00_FEL;
    private static final int TUNNEL_SOURCE = 0xAC10_0064;
    private static final int BACKEND = 0xAC11_0007;
    private static final int SEQUENCE = 0x7654_3210;
    private static final long SEND_NS = 123_456_789_012L;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close()
    {
        arena.close();
    }

    private static byte[] clientFrame(final String... extra)
    {
        return frame(config(extra), false, 42, SEQUENCE, SEND_NS);
    }

    private static byte[] v6(final String address) throws Exception
    {
        return InetAddress.getByName(address).getAddress();
    }

    private OutputDecoder decoded(final Expect expect, final byte[] output)
    {
        final OutputDecoder decoder = new OutputDecoder(expect, 6080);
        final int result = decoder.decode(Frames.write(arena, output), output.length);
        assertEquals(OutputDecoder.OK, result, "decode result " + OutputDecoder.REASONS[result]);
        assertEquals(SEQUENCE, decoder.sequence());
        assertEquals(SEND_NS, decoder.sendNs());
        return decoder;
    }

    private int reason(final Expect expect, final byte[] output)
    {
        return new OutputDecoder(expect, 6080).decode(Frames.write(arena, output), output.length);
    }

    private static String backend(final OutputDecoder decoder)
    {
        return BackendTable.name(decoder.backendKind(), decoder.backendHigh(), decoder.backendLow(), Map.of());
    }

    @Test
    void shouldNameTheOuterDestinationWhenIpipFourInFour()
    {
        final byte[] output = ethernet(ROUTER_MAC, 1, 0x0800, ipv4(4, TUNNEL_SOURCE, BACKEND, ipPacket(clientFrame())));

        assertEquals("172.17.0.7", backend(decoded(Expect.IPIP, output)));
    }

    @Test
    void shouldNameTheOuterDestinationWhenIpipSixInSix() throws Exception
    {
        final byte[] inner = ipPacket(clientFrame("--vip", "2001:db8::20"));
        final byte[] output = ethernet(ROUTER_MAC, 1, 0x86DD, ipv6(41, v6("2001:db8:1::64"), v6("2001:db8:2::7"), inner));

        assertEquals("2001:db8:2:0:0:0:0:7", backend(decoded(Expect.IPIP, output)));
    }

    @Test
    void shouldFindTheInnerPacketWhenGueVariantZero()
    {
        final byte[] gue = Frames.concat(new byte[] {0, 4, 0, 0}, ipPacket(clientFrame("--proto", "udp")));
        final byte[] output = ethernet(ROUTER_MAC, 1, 0x0800, ipv4(17, TUNNEL_SOURCE, BACKEND, udp(0xC123, 6080, gue)));

        assertEquals("172.17.0.7", backend(decoded(Expect.GUE, output)));
    }

    @Test
    void shouldSkipGueExtensionWordsWhenVariantZeroHasThem()
    {
        final byte[] gue = Frames.concat(new byte[] {0x02, 4, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}, ipPacket(clientFrame()));
        final byte[] output = ethernet(ROUTER_MAC, 1, 0x0800, ipv4(17, TUNNEL_SOURCE, BACKEND, udp(0xC123, 6080, gue)));

        assertEquals("172.17.0.7", backend(decoded(Expect.GUE, output)));
    }

    @Test
    void shouldFindAnIpv4InnerPacketInIpv6WhenGueVariantOne() throws Exception
    {
        final byte[] output = ethernet(ROUTER_MAC, 1, 0x86DD,
            ipv6(17, v6("2001:db8:1::64"), v6("2001:db8:2::9"), udp(0xC001, 6080, ipPacket(clientFrame()))));

        assertEquals("2001:db8:2:0:0:0:0:9", backend(decoded(Expect.GUE, output)));
    }

    @Test
    void shouldNameTheDestinationMacWhenDsr()
    {
        final byte[] client = clientFrame();
        final byte[] output = ethernet(BACKEND_MAC, 1, 0x0800, ipPacket(client));

        assertEquals("02:00:00:00:10:07", backend(decoded(Expect.DSR, output)));
        final OutputDecoder decoder = decoded(Expect.DSR, output);
        assertEquals("be7", BackendTable.name(decoder.backendKind(), decoder.backendHigh(), decoder.backendLow(),
            Map.of(BACKEND_MAC, "be7")));
    }

    @Test
    void shouldNameTheRewrittenDestinationWhenNatOrFullNat()
    {
        final byte[] client = clientFrame();
        final ByteBuffer nat = ByteBuffer.wrap(client.clone());
        nat.putInt(30, BACKEND).putShort(36, (short)8080);
        final ByteBuffer fullNat = ByteBuffer.wrap(nat.array().clone());
        fullNat.putInt(26, 0xAC10_00C8).putShort(34, (short)40_001);

        assertEquals("172.17.0.7", backend(decoded(Expect.NAT, nat.array())));
        assertEquals("172.17.0.7", backend(decoded(Expect.FULLNAT, fullNat.array())));
    }

    @Test
    void shouldSkipVlanTagsWhenQinQ()
    {
        final byte[] client = clientFrame();
        final byte[] tagged = ByteBuffer.allocate(client.length + 8).put(client, 0, 12).putShort((short)0x88A8).putShort((short)10)
            .putShort((short)0x8100).putShort((short)20).put(client, 12, client.length - 12).array();

        assertEquals("192.0.2.20", backend(decoded(Expect.NAT, tagged)));
    }

    @Test
    void shouldFindThePayloadBehindTcpOptions()
    {
        final byte[] client = clientFrame();
        final byte[] ip = ipPacket(client);
        final byte[] withOptions = ByteBuffer.allocate(ip.length + 8).put(ip, 0, 40).put(new byte[] {1, 1, 1, 1, 1, 1, 1, 1})
            .put(ip, 40, ip.length - 40).array();
        withOptions[32] = 0x70;
        withOptions[3] = (byte)(withOptions.length);

        assertEquals("192.0.2.20", backend(decoded(Expect.NAT, ethernet(1, 2, 0x0800, withOptions))));
    }

    @Test
    void shouldGiveAReasonWhenNotTheGeneratorsTrafficAsExpected()
    {
        final byte[] client = clientFrame();
        final byte[] tunnelled = ethernet(ROUTER_MAC, 1, 0x0800, ipv4(4, TUNNEL_SOURCE, BACKEND, ipPacket(client)));
        final byte[] otherPort = ethernet(ROUTER_MAC, 1, 0x0800, ipv4(17, TUNNEL_SOURCE, BACKEND,
            udp(1, 6081, Frames.concat(new byte[] {0, 4, 0, 0}, ipPacket(client)))));
        final byte[] control = ethernet(ROUTER_MAC, 1, 0x0800, ipv4(17, TUNNEL_SOURCE, BACKEND,
            udp(1, 6080, Frames.concat(new byte[] {0x20, 4, 0, 0}, ipPacket(client)))));
        final byte[] noMagic = client.clone();
        noMagic[54] ^= 1;
        final byte[] fragment = client.clone();
        fragment[20] = 0x20;
        final byte[] icmp = client.clone();
        icmp[23] = 1;

        assertEquals(OutputDecoder.NOT_TUNNELLED, reason(Expect.IPIP, client));
        assertEquals(OutputDecoder.NOT_TUNNELLED, reason(Expect.GUE, tunnelled));
        assertEquals(OutputDecoder.NOT_TUNNELLED, reason(Expect.GUE, otherPort));
        assertEquals(OutputDecoder.BAD_GUE, reason(Expect.GUE, control));
        assertEquals(OutputDecoder.NO_MAGIC, reason(Expect.NAT, noMagic));
        assertEquals(OutputDecoder.FRAGMENT, reason(Expect.NAT, fragment));
        assertEquals(OutputDecoder.NOT_TCP_OR_UDP, reason(Expect.NAT, icmp));
        assertEquals(OutputDecoder.NOT_IP, reason(Expect.DSR, ethernet(1, 2, 0x0806, new byte[28])));
        for (int length = 0; length < client.length - 2; length++)
        {
            final byte[] truncated = java.util.Arrays.copyOf(client, length);
            assertEquals(OutputDecoder.TOO_SHORT, reason(Expect.DSR, truncated), "truncated to " + length);
        }
        for (int length = 0; length < tunnelled.length - 2; length++)
        {
            assertEquals(OutputDecoder.TOO_SHORT, reason(Expect.IPIP, java.util.Arrays.copyOf(tunnelled, length)), "to " + length);
        }
    }
}
