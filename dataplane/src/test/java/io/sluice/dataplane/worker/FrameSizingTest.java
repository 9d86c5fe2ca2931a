package io.sluice.dataplane.worker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FrameSizingTest
{
    @Test
    void shouldHoldAFrameOfTheMtuWithTwoVlanTagsAndNeverLessThanTwoKilobytes()
    {
        assertEquals(new FrameSizing("0000:03:00.0", 2048, 2176), FrameSizing.of("0000:03:00.0", 1500));
        assertEquals(2048, FrameSizing.of("net_ring0", 2026).frameCapacity());
        assertEquals(2112, FrameSizing.of("net_ring0", 2027).frameCapacity());
        assertEquals(new FrameSizing("net_null0", 9024, 9152), FrameSizing.of("net_null0", 9000));
        assertEquals(9002, FrameSizing.of("net_null0", 9000).maxMtu());
    }

    @Test
    void shouldGiveAnAfPacketPortRingFramesThatHoldTheMtuAndMbufsThatHoldARingFrame()
    {
        final FrameSizing standard = FrameSizing.of("net_af_packet0,iface=eth1", 1500);
        assertEquals(new FrameSizing("net_af_packet0,iface=eth1,framesz=2048,blocksz=4096", 2048 - 66, 128 + 2048 - 32), standard);
        assertEquals(1960, standard.maxMtu());

        final FrameSizing jumbo = FrameSizing.of("net_af_packet3,iface=eth1", 9000);
        assertEquals(new FrameSizing("net_af_packet3,iface=eth1,framesz=16384,blocksz=16384", 16384 - 66, 128 + 16384 - 32), jumbo);

        assertEquals(new FrameSizing("net_af_packet0,iface=eth1,framesz=4096,blocksz=4096", 4096 - 66, 128 + 4096 - 32),
            FrameSizing.of("net_af_packet0,iface=eth1,framesz=4096,blocksz=4096", 1500), "the operator's own sizes stay and size the mbufs");
        assertEquals(new FrameSizing("net_af_packet0,iface=eth1,framesz=8192", 8192 - 66, 128 + 8192 - 32),
            FrameSizing.of("net_af_packet0,iface=eth1,framesz=8192", 1500));
        assertEquals(new FrameSizing("net_af_packet0,iface=eth1,blocksz=8192", 2048 - 66, 128 + 2048 - 32),
            FrameSizing.of("net_af_packet0,iface=eth1,blocksz=8192", 9000), "DPDK's own 2048-byte ring frame: the MTU a reload may reach follows it");
        assertEquals("net_af_xdp0,iface=eth1", FrameSizing.of("net_af_xdp0,iface=eth1", 9000).device());
    }
}
