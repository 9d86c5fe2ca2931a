package io.sluice.bench.control;

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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.neighbour.NeighbourTable;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;

/**
 * What one configuration change costs the control thread: building the next service snapshot when
 * a weight changes, with one IPIP service of 10,000 backends (Maglev M = 65,537) and one of three
 * backends. A change to the small service should cost the small service's table, not the large
 * one's; a change to the large service costs its table, whatever the size of the change.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class SnapshotChangeBenchmark
{
    private static final int LARGE = 10_000;

    private DataplaneSettings settings;
    private NeighbourTable neighbours;
    private ServiceSpec large;
    private ServiceSpec largeReweighed;
    private ServiceSpec small;
    private ServiceSpec smallReweighed;
    private ServiceSnapshot current;
    private boolean flip;

    /** Builds the first snapshot. */
    @Setup(Level.Trial)
    public void setUp()
    {
        settings = DataplaneSettings.of(List.of(IpAddress.parse("203.0.113.2")), List.of(IpAddress.parse("203.0.113.2")), List.of())
            .withGateways(IpAddress.parse("203.0.113.1"), null);
        neighbours = new NeighbourTable(4096);
        large = ipip("192.0.2.10", LARGE, 1);
        largeReweighed = ipip("192.0.2.10", LARGE, 2);
        small = ipip("192.0.2.20", 3, 1);
        smallReweighed = ipip("192.0.2.20", 3, 2);
        current = ServiceSnapshotBuilder.build(settings, List.of(large, small), neighbours);
    }

    private static ServiceSpec ipip(final String vip, final int backends, final int firstWeight)
    {
        final List<ServiceSpec.BackendSpec> list = new ArrayList<>(backends);
        for (int i = 0; i < backends; i++)
        {
            list.add(new ServiceSpec.BackendSpec(IpAddress.ofIpv4(0x0A00_0000 | (i + 1) | (vip.endsWith("20") ? 0x0080_0000 : 0)),
                i == 0 ? firstWeight : 1));
        }
        return new ServiceSpec(IpAddress.parse(vip), 80, 6, ForwardingMode.IPIP, list, MaglevTable.DEFAULT_SIZE,
            ServiceSpec.DEFAULT_TCP_IDLE_TIMEOUT_NS, ServiceSpec.DEFAULT_UDP_IDLE_TIMEOUT_NS);
    }

    /**
     * A weight of the three-backend service changes.
     *
     * @return the new snapshot.
     */
    @Benchmark
    public ServiceSnapshot changeTheSmallService()
    {
        flip = !flip;
        current = ServiceSnapshotBuilder.build(current, settings, List.of(large, flip ? smallReweighed : small), neighbours);
        return current;
    }

    /**
     * A weight of the 10,000-backend service changes.
     *
     * @return the new snapshot.
     */
    @Benchmark
    public ServiceSnapshot changeTheLargeService()
    {
        flip = !flip;
        current = ServiceSnapshotBuilder.build(current, settings, List.of(flip ? largeReweighed : large, small), neighbours);
        return current;
    }
}
