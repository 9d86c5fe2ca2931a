package io.sluice.controlplane.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code sync:} section as the loader reads it, its key file checked. */
class SyncSectionTest
{
    private static final String DATAPLANE = """
        dataplane:
          device: net_null0
          workers: 1
        """;

    @TempDir
    Path directory;
    private Path key;

    @BeforeEach
    void writeKey() throws Exception
    {
        key = directory.resolve("sync.key");
        Files.writeString(key, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }

    private SluiceConfig load(final String yaml) throws ConfigException
    {
        return ConfigLoader.parse(directory.resolve("lb.yaml"), yaml);
    }

    private List<String> problems(final String yaml)
    {
        return ConfigProblems.of(directory.resolve("lb.yaml"), yaml);
    }

    @Test
    void shouldReadTheSectionWithItsDefaultsAndGiveTheDataplaneFlowEventRings() throws Exception
    {
        final SluiceConfig config = load(DATAPLANE + """
            sync:
              nodeId: 1
              keyFile: sync.key
              listen: 10.9.0.1:7311
              peers: [10.9.0.2:7311, "[2001:db8:9::2]:7311"]
            """);

        final SyncSection sync = config.sync();
        assertEquals(1, sync.nodeId());
        assertEquals(key, sync.keyFile(), "relative to the configuration file");
        assertEquals("10.9.0.1:7311", sync.listen());
        assertEquals(List.of("10.9.0.2:7311", "[2001:db8:9::2]:7311"), sync.peers());
        assertEquals("/dev/shm/sluice-sync-1", sync.aeronDirectory());
        assertEquals(1 << 20, sync.termLength());
        assertEquals(SyncSection.DEFAULT_EVENT_RING_BYTES, sync.eventRingBytes());
        assertEquals(TimeUnit.SECONDS.toNanos(30), sync.refreshIntervalNs());
        assertEquals(Path.of("/var/lib/sluice/sync-1.epoch"), sync.stateFile(), "on a disk, not in /dev/shm: it outlives a reboot");
        assertEquals("aeron:udp?endpoint=10.9.0.2:7311|term-length=1048576", sync.toTransportConfig().publicationChannels().get(0));
        assertNull(load(DATAPLANE).sync(), "no section, no sync");
        assertTrue(ConfigWriter.write(config, List.of()).contains("sync:\n  nodeId: 1\n"), "written back");
        assertEquals(config.sync(), load(ConfigWriter.write(config, List.of())).sync(), "and read back the same");
    }

    @Test
    void shouldResolveTheStateFileAgainstTheConfigurationWhenItIsRelative() throws Exception
    {
        final String section = """
            sync:
              nodeId: 2
              keyFile: sync.key
              listen: 10.9.0.1:7311
              peers: [10.9.0.2:7311]
              stateFile: %s
            """;
        final SluiceConfig config = load(DATAPLANE + section.formatted("state/sync.epoch"));

        assertEquals(key.resolveSibling("state/sync.epoch"), config.sync().stateFile());
        assertEquals(config.sync(), load(ConfigWriter.write(config, List.of())).sync(), "written and read back the same");
        final List<String> problems = problems(DATAPLANE + section.formatted("/var/lib/sluice/"));
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("sync.stateFile: '/var/lib/sluice/' is not valid: a file path"), problems.get(0));
    }

    @Test
    void shouldRefuseAKeyFileOthersCanReadAndSayHowToFixIt() throws Exception
    {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        final List<String> problems = problems(DATAPLANE + """
            sync:
              nodeId: 1
              keyFile: sync.key
              listen: 10.9.0.1:7311
              peers: [10.9.0.2:7311]
            """);
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("sync.keyFile: 'sync.key' is not valid: "), problems.get(0));
        assertTrue(problems.get(0).contains("chmod 600"), problems.get(0));
    }

    @Test
    void shouldNameEachBadValue()
    {
        final List<String> problems = problems(DATAPLANE + """
            sync:
              nodeId: 0
              keyFile: missing.key
              listen: lb1:7311
              peers: [10.9.0.2]
              termLength: 1000
              refreshInterval: 10ms
            """);
        assertEquals(6, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("sync.nodeId: '0' is not valid: an integer 1..4294967295"), problems.get(0));
        assertTrue(problems.get(1).startsWith("sync.keyFile: 'missing.key' is not valid: "), problems.get(1));
        assertTrue(problems.get(2).startsWith("sync.listen: 'lb1:7311' is not valid: ADDRESS:PORT"), problems.get(2));
        assertTrue(problems.get(3).startsWith("sync.peers[0]: '10.9.0.2' is not valid: ADDRESS:PORT"), problems.get(3));
        assertTrue(problems.get(4).startsWith("sync.termLength: '1000' is not valid: a power of two"), problems.get(4));
        assertTrue(problems.get(5).startsWith("sync.refreshInterval: '10ms' is not valid: "), problems.get(5));
    }

    @Test
    void shouldRefuseAPeerThatIsThisLbsOwnAddressAndASectionWithoutPeers()
    {
        assertEquals(List.of("sync.listen: sync peer 10.9.0.1:7311 is this LB's own listen address"), problems(DATAPLANE + """
            sync:
              nodeId: 1
              keyFile: sync.key
              listen: 10.9.0.1:7311
              peers: [10.9.0.1:7311]
            """));
        assertEquals(List.of("sync.listen: sync has no peer: list peers, or give a multicast group and interface"),
            problems(DATAPLANE + """
                sync:
                  nodeId: 1
                  keyFile: sync.key
                  listen: 10.9.0.1:7311
                """));
    }
}
