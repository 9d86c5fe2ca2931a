package io.sluice.controlplane.config;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceNamesTest
{
    @Test
    void shouldRecognisePciAddressesWhenWithOrWithoutDomainAndArguments()
    {
        assertTrue(DeviceNames.isPci("0000:03:00.0"));
        assertTrue(DeviceNames.isPci("03:00.1"));
        assertTrue(DeviceNames.isPci("0000:af:00.0,rxq_cqe_comp_en=1"));
        assertFalse(DeviceNames.isPci("net_af_packet0,iface=eth1"));
        assertFalse(DeviceNames.isPci("0000:03:00.8"));
    }

    @Test
    void shouldShareOneIdentityWhenTwoVdevsDriveTheSameInterface()
    {
        assertEquals("iface-eth1", DeviceNames.identity("net_af_packet0,iface=eth1"));
        assertEquals("iface-eth1", DeviceNames.identity("net_af_xdp0,iface=eth1,start_queue=0"));
        assertEquals("0000_03_00.0", DeviceNames.identity("0000:03:00.0,rxq_cqe_comp_en=1"));
        assertEquals("net_null0", DeviceNames.identity("net_null0"));
        assertEquals("net_pcap0_rx_pcap__tmp_in.pcap", DeviceNames.identity("net_pcap0,rx_pcap=/tmp/in.pcap"));
    }

    @Test
    void shouldKeepIdentitiesShortAndDistinctWhenDeviceStringsAreLong()
    {
        final String first = DeviceNames.identity("net_pcap0,rx_pcap=/a/very/long/directory/name/for/the/input/capture/in.pcap,tx_pcap=/x1");
        final String second = DeviceNames.identity("net_pcap0,rx_pcap=/a/very/long/directory/name/for/the/input/capture/in.pcap,tx_pcap=/x2");

        assertEquals(80, first.length());
        assertFalse(first.equals(second), first);
    }

    @Test
    void shouldNameLockAndStatsFilesAfterTheIdentity()
    {
        assertEquals(Path.of("/dev/shm/sluice-iface-sl-lb0.stats"), DeviceNames.defaultStatsFile("net_af_packet0,iface=sl-lb0"));
        assertEquals(Path.of("/run/sluice/iface-sl-lb0.lock"), DeviceNames.lockFile("net_af_packet0,iface=sl-lb0"));
    }
}
