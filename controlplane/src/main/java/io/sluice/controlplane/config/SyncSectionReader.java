package io.sluice.controlplane.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.yaml.snakeyaml.nodes.Node;

import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.sync.SyncAgentConfig;
import io.sluice.sync.transport.SyncTransportConfig;
import io.sluice.sync.wire.SyncKey;

/**
 * Reads the {@code sync:} section for {@link ConfigLoader}, each value checked, and the key file
 * loaded (so that a key others can read, or that is too short, stops the daemon at the file, with
 * the fix), and the whole checked as the transport will check it.
 */
final class SyncSectionReader
{
    /** The keys of {@code sync:}. */
    static final List<String> SYNC_KEYS = List.of("nodeId", "keyFile", "listen", "peers", "multicastInterface",
        "aeronDirectory", "termLength", "eventRingBytes", "refreshInterval", "maxBatchDelay",
        "stateFile");

    private static final String ENDPOINT_FORM = "ADDRESS:PORT with an IP address literal (IPv6 in brackets) and a port 1..65535, e.g. 10.9.0.1:7311";
    private static final long MAX_REFRESH_NS = TimeUnit.HOURS.toNanos(24);

    private final YamlReader reader;
    private final Path baseDirectory;

    /**
     * @param reader        the file's reader, which collects the problems.
     * @param baseDirectory what a relative key file path is relative to.
     */
    SyncSectionReader(final YamlReader reader, final Path baseDirectory)
    {
        this.reader = reader;
        this.baseDirectory = baseDirectory;
    }

    SyncSection read(final YamlReader.Section top)
    {
        final YamlReader.Section section = top.section("sync", SYNC_KEYS);
        if (section == null)
        {
            return null;
        }
        final Long nodeId = section.require("nodeId", text ->
        {
            final long id = Long.parseLong(text.strip());
            if (id < 1 || id > 0xFFFF_FFFFL)
            {
                throw new IllegalArgumentException(text);
            }
            return id;
        }, "an integer 1..4294967295, unique per load balancer");
        final Path keyFile = section.require("keyFile", this::keyFile,
            "a key file of at least 32 bytes in hex, readable by its owner only, e.g. made with " +
            "(umask 077; openssl rand -hex 32 > /etc/sluice/sync.key)");
        final String listen = section.require("listen", SyncSectionReader::endpoint, ENDPOINT_FORM);
        final List<String> peers = peers(section);
        final String multicastInterface = section.get("multicastInterface", null, text -> IpAddress.parse(text.strip()).toString(),
            "the IP address of the local interface for a multicast listen group");
        final String aeronDirectory = section.get("aeronDirectory", nodeId == null ? null : "/dev/shm/sluice-sync-" + nodeId,
            text ->
            {
                if (text.isBlank() || !text.startsWith("/"))
                {
                    throw new IllegalArgumentException(text);
                }
                return text.strip();
            }, "an absolute directory path, one per load balancer on a host (e.g. /dev/shm/sluice-sync-1)");
        final int termLength = section.get("termLength", SyncTransportConfig.DEFAULT_TERM_LENGTH,
            Values.powerOfTwo(SyncTransportConfig.MIN_TERM_LENGTH, 1 << 28), "a power of two from 65536 to 268435456 (bytes)");
        final int eventRingBytes = section.get("eventRingBytes", SyncSection.DEFAULT_EVENT_RING_BYTES,
            Values.powerOfTwo(FlowEventRing.MIN_CAPACITY, 1 << 30), "a power of two from " + FlowEventRing.MIN_CAPACITY +
            " to 1073741824 (bytes per worker)");
        final long refreshNs = section.get("refreshInterval", SyncAgentConfig.DEFAULT_REFRESH_INTERVAL_NS,
            Values.durationNs(TimeUnit.SECONDS.toNanos(1), MAX_REFRESH_NS), Durations.FORM + ", from 1s to 24h");
        final long batchDelayNs = section.get("maxBatchDelay", SyncAgentConfig.DEFAULT_MAX_BATCH_DELAY_NS,
            Values.durationNs(0, TimeUnit.SECONDS.toNanos(1)), Durations.FORM + ", from 0ms to 1s");
        final Path stateFile = section.get("stateFile", nodeId == null ? null : Path.of(defaultStateFile(nodeId)),
            text ->
            {
                if (text.isBlank() || text.strip().endsWith("/"))
                {
                    throw new IllegalArgumentException(text);
                }
                return baseDirectory.resolve(text.strip()).normalize();
            }, "a file path on a disk that survives a reboot (e.g. /var/lib/sluice/sync-1.epoch)");
        if (nodeId == null || keyFile == null || listen == null || peers == null)
        {
            return null;
        }
        final SyncSection sync = new SyncSection((int)(long)nodeId, keyFile, listen, peers, multicastInterface, aeronDirectory,
            termLength, eventRingBytes, refreshNs, batchDelayNs, stateFile);
        try
        {
            sync.toTransportConfig();
        }
        catch (final IllegalArgumentException ex)
        {
            reader.report(section.value("listen").getStartMark(), section.pathOf("listen"), ex.getMessage());
            return null;
        }
        return sync;
    }

    /**
     * @param nodeId a node id.
     * @return where the node's sync state file is unless {@code sync.stateFile} says otherwise.
     */
    static String defaultStateFile(final long nodeId)
    {
        return "/var/lib/sluice/sync-" + nodeId + ".epoch";
    }

    private Path keyFile(final String text)
    {
        final Path path = baseDirectory.resolve(text.strip()).normalize();
        try
        {
            SyncKey.load(path);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new Values.Refused(ex.getMessage());
        }
        return path;
    }

    private List<String> peers(final YamlReader.Section section)
    {
        if (!section.has("peers"))
        {
            return List.of();
        }
        final List<Node> items = section.list("peers", "a list of peers' ADDRESS:PORT, e.g. [10.9.0.2:7311]");
        if (items == null)
        {
            return null;
        }
        final List<String> peers = new ArrayList<>();
        for (int i = 0; i < items.size(); i++)
        {
            final String peer = reader.scalar(items.get(i), section.pathOf("peers") + "[" + i + "]", SyncSectionReader::endpoint,
                ENDPOINT_FORM);
            if (peer == null)
            {
                return null;
            }
            peers.add(peer);
        }
        return peers;
    }

    /** An API-style listen address (IPv6 in brackets), with a port a peer can send to (not 0). */
    private static String endpoint(final String text)
    {
        final String endpoint = ApiSectionReader.listen(text);
        if (endpoint.endsWith(":0"))
        {
            throw new IllegalArgumentException(text);
        }
        return endpoint;
    }
}
