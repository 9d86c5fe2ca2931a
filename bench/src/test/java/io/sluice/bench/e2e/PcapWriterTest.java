package io.sluice.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The pcap file format, byte for byte: what net_pcap and tcpdump read. */
class PcapWriterTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteTheGlobalHeaderAndEachRecordHeaderByteForByte() throws IOException
    {
        final Path file = dir.resolve("two.pcap");
        try (PcapWriter pcap = PcapWriter.create(file))
        {
            pcap.write(new byte[] {9, 1, 2, 3, 9}, 1, 3, 0);
            pcap.write(new byte[] {4, 5}, 0, 2, 1_500_000);
            assertEquals(2, pcap.records());
        }
        final String expected =
            // magic a1b2c3d4, version 2.4, thiszone 0, sigfigs 0, snaplen 65535, linktype 1 (all little-endian)
            "d4c3b2a1" + "0200" + "0400" + "00000000" + "00000000" + "ffff0000" + "01000000" +
            // ts 0 s 0 us, incl_len 3, orig_len 3, then the frame
            "00000000" + "00000000" + "03000000" + "03000000" + "010203" +
            // ts 1 s 500000 us, incl_len 2, orig_len 2
            "01000000" + "20a10700" + "02000000" + "02000000" + "0405";
        assertArrayEquals(HexFormat.of().parseHex(expected), Files.readAllBytes(file));
        assertEquals(PcapWriter.GLOBAL_HEADER_LENGTH, PcapWriter.globalHeader().length);
    }

    @Test
    void shouldRefuseAnEmptyFrameOrOneLongerThanTheSnapshotLength() throws IOException
    {
        try (PcapWriter pcap = PcapWriter.create(dir.resolve("bad.pcap")))
        {
            assertThrows(IllegalArgumentException.class, () -> pcap.write(new byte[0], 0, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> pcap.write(new byte[PcapWriter.SNAPLEN + 1], 0, PcapWriter.SNAPLEN + 1, 0));
            assertEquals(0, pcap.records());
        }
    }
}
