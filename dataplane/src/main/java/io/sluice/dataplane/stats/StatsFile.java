package io.sluice.dataplane.stats;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import io.sluice.dataplane.service.ServiceSnapshot;

/**
 * The counters of a running dataplane, in one memory-mapped file that other processes read
 * without locks ({@code sluice stat}, a metrics exporter), in the manner of Aeron's CnC file.
 * <pre>
 *   0      header, 4096 bytes: magic "SLUICEST", version, workers, pid, start time, section offsets
 *   4096   counters metadata (Agrona CountersManager): labels and keys
 *   ...    counters values: worker counters, drop reasons, port counters, service / backend labels
 *   ...    traffic region per worker ({@link TrafficStats}): per-service and per-backend counters
 * </pre>
 * Counter types (the key's first int is always the worker, or -1):
 * {@link #WORKER_COUNTER_TYPE} key [worker, ordinal] where the ordinal is a {@link WorkerCounter},
 * or {@code WorkerCounter.count() + DropReason} for drops; {@link #SERVICE_LABEL_TYPE} key
 * [-1, service id], label the service; {@link #BACKEND_LABEL_TYPE} key [-1, backend id, service id],
 * label the backend address, value its weight; {@link #PORT_COUNTER_TYPE} key [-1, ordinal];
 * {@link #NEIGHBOUR_COUNTER_TYPE} key [-1, ordinal] where the ordinal is a
 * {@link io.sluice.dataplane.neighbour.NeighbourCounter}.
 */
public final class StatsFile implements AutoCloseable
{
    /** Worker counters and drop reasons. */
    public static final int WORKER_COUNTER_TYPE = 0x51CE;
    /** A service id's name. */
    public static final int SERVICE_LABEL_TYPE = 0x51CF;
    /** A backend id's address and service; value: weight. */
    public static final int BACKEND_LABEL_TYPE = 0x51D0;
    /** NIC port counters (rx missed, ...), refreshed by the control thread. */
    public static final int PORT_COUNTER_TYPE = 0x51D1;
    /** Dataplane-wide counters: errors, the generation in force. */
    public static final int GLOBAL_COUNTER_TYPE = 0x51D2;
    /** Neighbour (ARP / ND) counters and gauges, refreshed by the control thread. */
    public static final int NEIGHBOUR_COUNTER_TYPE = 0x51D3;

    /** File format version: 2 added the duty-cycle worker counters, which moved the drop ordinals. */
    public static final int VERSION = 3;
    private static final long MAGIC = 0x534C_5549_4345_5354L;
    private static final int HEADER_LENGTH = 4096;
    private static final int EXTRA_COUNTERS = 64;
    private static final int MAGIC_OFFSET = 0;
    private static final int VERSION_OFFSET = 8;
    private static final int WORKERS_OFFSET = 12;
    private static final int PID_OFFSET = 16;
    private static final int START_TIME_OFFSET = 24;
    private static final int COUNTERS_OFFSET = 32;
    private static final int MAX_COUNTERS_OFFSET = 40;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final Arena arena;
    private final MemorySegment memory;
    private final int workers;
    private final int maxCounters;
    private final CountersManager manager;
    private final CountersReader reader;
    private final long trafficOffset;

    private StatsFile(final Arena arena, final MemorySegment memory, final boolean writable)
    {
        this.arena = arena;
        this.memory = memory;
        if (memory.byteSize() < HEADER_LENGTH || memory.get(LONG, MAGIC_OFFSET) != MAGIC)
        {
            throw new IllegalArgumentException("not a Sluice stats file (no SLUICEST magic)");
        }
        if (memory.get(INT, VERSION_OFFSET) != VERSION)
        {
            throw new IllegalArgumentException("stats file version " + memory.get(INT, VERSION_OFFSET) + ", this build reads " + VERSION);
        }
        this.workers = memory.get(INT, WORKERS_OFFSET);
        this.maxCounters = memory.get(INT, MAX_COUNTERS_OFFSET);
        final long metadataLength = (long)maxCounters * CountersReader.METADATA_LENGTH;
        final long valuesLength = (long)maxCounters * CountersReader.COUNTER_LENGTH;
        final UnsafeBuffer metadata = new UnsafeBuffer(memory.address() + HEADER_LENGTH, (int)metadataLength);
        final UnsafeBuffer values = new UnsafeBuffer(memory.address() + HEADER_LENGTH + metadataLength, (int)valuesLength);
        this.trafficOffset = HEADER_LENGTH + metadataLength + valuesLength;
        if (memory.byteSize() < trafficOffset + workers * TrafficStats.REGION_LENGTH)
        {
            throw new IllegalArgumentException("stats file is truncated: " + memory.byteSize() + " bytes");
        }
        this.manager = writable ? new CountersManager(metadata, values) : null;
        this.reader = writable ? manager : new CountersReader(metadata, values);
    }

    /**
     * The number of counters a file for this many workers holds.
     *
     * @return the counter capacity.
     */
    public static int maxCounters(final int workers)
    {
        return workers * (WorkerCounter.count() + DropReason.count()) + ServiceSnapshot.MAX_SERVICES + ServiceSnapshot.MAX_BACKENDS +
            EXTRA_COUNTERS;
    }

    private static long length(final int workers)
    {
        final long counters = maxCounters(workers);
        return HEADER_LENGTH + counters * (CountersReader.METADATA_LENGTH + CountersReader.COUNTER_LENGTH) +
            workers * TrafficStats.REGION_LENGTH;
    }

    private static void writeHeader(final MemorySegment memory, final int workers)
    {
        memory.set(INT, VERSION_OFFSET, VERSION);
        memory.set(INT, WORKERS_OFFSET, workers);
        memory.set(LONG, PID_OFFSET, ProcessHandle.current().pid());
        memory.set(LONG, START_TIME_OFFSET, System.currentTimeMillis());
        memory.set(LONG, COUNTERS_OFFSET, HEADER_LENGTH);
        memory.set(INT, MAX_COUNTERS_OFFSET, maxCounters(workers));
        memory.set(LONG, MAGIC_OFFSET, MAGIC);
    }

    /**
     * Creates (or replaces) a stats file and maps it for writing.
     *
     * @param path    where; its directory must exist.
     * @param workers number of workers.
     * @return the mapped file.
     * @throws IOException when the file cannot be created or mapped.
     */
    public static StatsFile create(final Path path, final int workers) throws IOException
    {
        final long length = length(workers);
        final Path temporary = path.resolveSibling(path.getFileName() + ".new");
        final Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(temporary,
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            channel.truncate(0);
            final MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, length, arena);
            writeHeader(memory, workers);
            Files.move(temporary, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new StatsFile(arena, memory, true);
        }
        catch (final IOException | RuntimeException ex)
        {
            arena.close();
            Files.deleteIfExists(temporary);
            throw ex;
        }
    }

    /**
     * A stats file in anonymous memory, for tests and for a dataplane nobody watches.
     *
     * @return the writable stats.
     */
    public static StatsFile inMemory(final int workers)
    {
        final Arena arena = Arena.ofShared();
        final MemorySegment memory = arena.allocate(length(workers), 4096);
        writeHeader(memory, workers);
        return new StatsFile(arena, memory, true);
    }

    /**
     * Maps an existing stats file for reading.
     *
     * @return the read-only view.
     * @throws IOException              when the file cannot be opened.
     * @throws IllegalArgumentException when it is not a stats file of this version.
     */
    public static StatsFile open(final Path path) throws IOException
    {
        final Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            return new StatsFile(arena, channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena), false);
        }
        catch (final IOException | RuntimeException ex)
        {
            arena.close();
            throw ex;
        }
    }

    /** @return the writer's counters manager (create / inMemory only). */
    public CountersManager countersManager()
    {
        if (manager == null)
        {
            throw new IllegalStateException("stats file opened read-only");
        }
        return manager;
    }

    /** @return a reader of every counter. */
    public CountersReader countersReader()
    {
        return reader;
    }

    /** @return one worker's traffic region. */
    public MemorySegment trafficRegion(final int worker)
    {
        if (worker < 0 || worker >= workers)
        {
            throw new IndexOutOfBoundsException("worker " + worker + " of " + workers);
        }
        return memory.asSlice(trafficOffset + worker * TrafficStats.REGION_LENGTH, TrafficStats.REGION_LENGTH);
    }

    /** @return a service counter ({@link TrafficStats#PACKETS}, ...) summed over the workers. */
    public long serviceStat(final int serviceId, final int stat)
    {
        long sum = 0;
        for (int w = 0; w < workers; w++)
        {
            sum += TrafficStats.service(trafficRegion(w), serviceId, stat);
        }
        return sum;
    }

    /** @return a backend counter summed over the workers. */
    public long backendStat(final int backendId, final int stat)
    {
        long sum = 0;
        for (int w = 0; w < workers; w++)
        {
            sum += TrafficStats.backend(trafficRegion(w), backendId, stat);
        }
        return sum;
    }

    /** @return the number of workers. */
    public int workers()
    {
        return workers;
    }

    /** @return the writer's process id. */
    public long pid()
    {
        return memory.get(LONG, PID_OFFSET);
    }

    /** @return when the writer started, ms since the epoch. */
    public long startTimeMs()
    {
        return memory.get(LONG, START_TIME_OFFSET);
    }

    /** Unmaps the file. */
    @Override
    public void close()
    {
        arena.close();
    }
}
