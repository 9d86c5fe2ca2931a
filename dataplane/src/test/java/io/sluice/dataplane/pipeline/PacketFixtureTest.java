package io.sluice.dataplane.pipeline;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.sluice.dataplane.stats.Verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs every packet-fixture table through the pipeline: verdict, drop reason and exact output bytes,
 * and the counters add up after each frame.
 */
class PacketFixtureTest
{
    private PipelineHarness harness;

    @BeforeEach
    void setUp()
    {
        harness = new PipelineHarness();
    }

    @AfterEach
    void tearDown()
    {
        harness.close();
    }

    static List<PacketFixture> fixtures()
    {
        final List<PacketFixture> all = new ArrayList<>();
        all.addAll(DsrFixtures.fixtures());
        all.addAll(TunnelFixtures.fixtures());
        all.addAll(NeighbourFixtures.fixtures());
        all.addAll(IcmpFixtures.fixtures());
        all.addAll(MalformedFixtures.fixtures());
        all.addAll(NatFixtures.fixtures());
        all.addAll(ClientAddressFixtures.fixtures());
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void shouldProduceExpectedVerdictAndBytes(final PacketFixture fixture)
    {
        final PipelineHarness.Result result = harness.run(fixture.input());

        assertEquals(Verdict.name(fixture.verdict()), Verdict.name(result.verdict()), "verdict");
        if (fixture.reason() != null)
        {
            assertEquals(1, harness.counters().get(fixture.reason()), "drop counted as " + fixture.reason());
        }
        if (fixture.expected() != null)
        {
            assertEquals(Frames.hex(fixture.expected()), Frames.hex(result.output()), "output frame");
        }
        harness.assertCountersAddUp();
    }
}
