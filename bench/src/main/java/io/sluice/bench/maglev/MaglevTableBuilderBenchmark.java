package io.sluice.bench.maglev;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.sluice.dataplane.maglev.MaglevBackend;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.maglev.MaglevTableBuilder;

/**
 * The control-plane cost of a Maglev table: {@code MaglevTableBuilder.build} of the default
 * M = 65537 slots for 100, 1000 and 10000 backends of weight 1 (IPv4 address identities), in
 * milliseconds per build. A configuration change rebuilds the table of every VIP it touches.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class MaglevTableBuilderBenchmark
{
    private static final int FIRST_BACKEND_ADDRESS = 0xAC11_0001;

    /** Number of backends of the table. */
    @Param({"100", "1000", "10000"})
    public int backends;

    private List<MaglevBackend> backendList;

    /** Builds the backend list: consecutive addresses from 172.17.0.1, weight 1. */
    @Setup(Level.Trial)
    public void setUp()
    {
        backendList = new ArrayList<>(backends);
        for (int i = 0; i < backends; i++)
        {
            final int address = FIRST_BACKEND_ADDRESS + i;
            final byte[] identity = {(byte)(address >>> 24), (byte)(address >>> 16), (byte)(address >>> 8), (byte)address};
            backendList.add(new MaglevBackend(identity, 1));
        }
    }

    /**
     * One build of a table of {@link MaglevTable#DEFAULT_SIZE} slots.
     *
     * @return the table, so the build is not optimised away.
     */
    @Benchmark
    public MaglevTable build()
    {
        return MaglevTableBuilder.build(backendList, MaglevTable.DEFAULT_SIZE);
    }
}
