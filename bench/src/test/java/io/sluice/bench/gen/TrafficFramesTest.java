package io.sluice.bench.gen;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static io.sluice.bench.gen.Frames.ETHERNET;
import static io.sluice.bench.gen.Frames.u16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrafficFramesTest
{
    static final long LB_MAC = 0x02_00_00_00_00_01L;
    static final long GEN_MAC = 0x02_00_00_00_00_99L;
    static final long SEND_NS = 0x0123_4567_89AB_CDEFL;

    /** A config from the command line: net_ring0, VIP 192.0.2.20, LB MAC 02:00:00:00:00:01, ipip; {@code extra} overrides. */
    static GenConfig config(final String... extra)
    {
        final String[] base = {"--port", "net_ring0", "--vip", "192.0.2.20", "--dst-mac", "02:00:00:00:00:01", "--expect", "ipip"};
        final List<String> args = new ArrayList<>(List.of(extra));
        for (int i = 0; i < base.length; i += 2)
        {
            if (!args.contains(base[i]))
            {
                args.add(base[i]);
                args.add(base[i + 1]);
            }
        }
        return Gen.parse(args.toArray(String[]::new));
    }

    static byte[] frame(final GenConfig config, final boolean first, final long tuple, final int sequence, final long sendNs)
    {
        try (Arena arena = Arena.ofConfined(); TrafficFrames frames = new TrafficFrames(config, GEN_MAC))
        {
            final long address = arena.allocate(frames.frameLength()).address();
            frames.write(address, first, tuple, sequence, sendNs);
            return Frames.read(address, frames.frameLength());
        }
    }

    @Test
    void shouldWriteIpv4TcpSynWithTupleStampAndValidChecksumsWhenFirst()
    {
        final GenConfig config = config("--size", "128");
        final long tuple = 64512L * 3 + 5;
        final byte[] frame = frame(config, true, tuple, 77, SEND_NS);
        final ByteBuffer bytes = ByteBuffer.wrap(frame);

        assertEquals(124, frame.length);
        assertEquals(LB_MAC, (bytes.getShort(0) & 0xFFFFL) << 32 | (bytes.getInt(2) & 0xFFFF_FFFFL));
        assertEquals(GEN_MAC, (bytes.getShort(6) & 0xFFFFL) << 32 | (bytes.getInt(8) & 0xFFFF_FFFFL));
        assertEquals(0x0800, u16(frame, 12));
        assertEquals(0x45, frame[14]);
        assertEquals(110, u16(frame, 16));
        assertEquals(64, frame[22]);
        assertEquals(6, frame[23]);
        assertEquals(0x0A00_0004, bytes.getInt(26), "10.0.0.4: host 1 + 3");
        assertEquals(0xC000_0214, bytes.getInt(30));
        assertEquals(1024 + 5, u16(frame, 34));
        assertEquals(80, u16(frame, 36));
        assertEquals(0x02, frame[47], "SYN");
        assertEquals(Stamp.MAGIC, bytes.getInt(54));
        assertEquals(77, bytes.getInt(58));
        assertEquals(SEND_NS, bytes.getLong(62));
        assertEquals(0xFFFF, Frames.onesComplementSum(frame, ETHERNET, ETHERNET + 20, 0), "IPv4 header checksum");
        assertTrue(Frames.l4ChecksumValid(frame, ETHERNET), "TCP checksum");
    }

    @Test
    void shouldWriteAckWhenNotFirst()
    {
        final byte[] frame = frame(config(), false, 9, 1, 5);

        assertEquals(0x10, frame[47]);
        assertEquals(70, frame.length, "the smallest IPv4 TCP frame with the stamp, FCS not counted");
        assertTrue(Frames.l4ChecksumValid(frame, ETHERNET));
    }

    @Test
    void shouldKeepChecksumsValidForManyTuplesSequencesAndTimes()
    {
        for (final String proto : new String[] {"tcp", "udp"})
        {
            for (final String vip : new String[] {"192.0.2.20", "2001:db8::20"})
            {
                final GenConfig config = config("--proto", proto, "--vip", vip, "--size", "101");
                for (int i = 0; i < 200; i++)
                {
                    final long sendNs = i * 0x1F3D_5B79_1357_9BDFL;
                    final byte[] frame = frame(config, (i & 1) == 0, i * 7919L, i * 0x9E37_79B9, sendNs);
                    final boolean ipv4 = vip.indexOf(':') < 0;
                    assertTrue(Frames.l4ChecksumValid(frame, ETHERNET), proto + " " + vip + " packet " + i);
                    if (ipv4)
                    {
                        assertEquals(0xFFFF, Frames.onesComplementSum(frame, ETHERNET, ETHERNET + 20, 0));
                    }
                    else
                    {
                        assertTrue(u16(frame, ETHERNET + 40 + 6) != 0 || !"udp".equals(proto), "UDP over IPv6 needs a checksum");
                    }
                }
            }
        }
    }

    @Test
    void shouldVaryTheLow32BitsOfTheIpv6ClientAddress()
    {
        final GenConfig config = config("--vip", "2001:db8::20", "--clients", "fd00:c::aa00:0/104", "--client-ports", "5000-5001");
        final byte[] frame = frame(config, true, 5, 0, 0);
        final ByteBuffer bytes = ByteBuffer.wrap(frame);

        assertEquals(0x86DD, u16(frame, 12));
        assertEquals(0xFD00_000CL, bytes.getInt(22) & 0xFFFF_FFFFL);
        assertEquals(0, bytes.getLong(26));
        assertEquals(0xAA00_0003, bytes.getInt(34), "host 1 + 5 / 2 ports");
        assertEquals(5001, u16(frame, 54));
    }

    @Test
    void shouldNameEveryTupleOnceWhenCountingThroughTheClientSpace()
    {
        final ClientSpace space = new ClientSpace(0x0A00_0000, 4, 100, 109);
        final Set<Long> seen = new HashSet<>();
        for (long tuple = 0; tuple < space.size(); tuple++)
        {
            final int address = space.addressLow32(tuple);
            assertTrue(address > 0x0A00_0000 && address <= 0x0A00_000F, Integer.toHexString(address));
            assertTrue(seen.add((long)address << 16 | space.port(tuple)), "tuple " + tuple);
        }
        assertEquals(150, seen.size());
    }

    @Test
    void shouldRefuseAFrameSizeBelowTheHeadersAndStamp()
    {
        final Exception ex = assertThrows(picocli.CommandLine.ParameterException.class,
            () -> config("--vip", "2001:db8::1", "--size", "64"));

        assertTrue(ex.getMessage().contains("--size must be 94 to 1518 for IPv6 TCP"), ex.getMessage());
    }
}
