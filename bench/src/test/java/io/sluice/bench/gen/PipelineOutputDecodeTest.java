package io.sluice.bench.gen;

import java.lang.foreign.Arena;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.sluice.bench.pipeline.PipelineFixture;
import io.sluice.dataplane.nat.PortPool;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.bench.gen.TrafficFramesTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator's frames through Sluice's own per-packet pipeline (the benchmarks' fixture: an
 * IPv4 TCP VIP with 100 backends, 172.17.0.1 to .100) and the decoder on what it sent on: every
 * packet decodes with its stamp intact, and its backend is one of the service's.
 */
class PipelineOutputDecodeTest
{
    private static final int FLOWS = 2000;
    private static final long SEND_NS = 5_000_000_000L;

    @ParameterizedTest
    @EnumSource(value = ForwardingMode.class, names = {"IPIP", "NAT", "FULLNAT"})
    void shouldDecodeEveryPacketAndSeeEveryBackendWhenSluiceForwardedIt(final ForwardingMode mode)
    {
        final GenConfig config = config("--vip", "192.0.2.20", "--vip-port", "80", "--size", "128", "--expect", mode.name());
        final OutputDecoder decoder = new OutputDecoder(config.expect(), config.guePort());
        final BackendTable backends = new BackendTable(1000);
        try (PipelineFixture fixture = new PipelineFixture(mode, 1 << 16, 60_000_000_000L, 1_000_000_000L, PortPool.MAX_PORT);
            TrafficFrames frames = new TrafficFrames(config, PipelineFixture.ROUTER_MAC);
            Arena arena = Arena.ofConfined())
        {
            final long frame = arena.allocate(frames.frameLength()).address();
            fixture.beginBurst(PipelineFixture.START_NS);
            for (int tuple = 0; tuple < FLOWS; tuple++)
            {
                frames.write(frame, true, tuple, tuple, SEND_NS + tuple);
                fixture.receive(0, frame, frames.frameLength());
                assertEquals(Verdict.FORWARD, fixture.process(), "tuple " + tuple);

                assertEquals(OutputDecoder.OK, decoder.decode(fixture.packetAddress(), fixture.packetLength()), "tuple " + tuple);
                assertEquals(tuple, decoder.sequence());
                assertEquals(SEND_NS + tuple, decoder.sendNs());
                assertTrue(backends.increment(decoder.backendKind(), decoder.backendHigh(), decoder.backendLow()));
            }
        }
        assertEquals(PipelineFixture.BACKEND_COUNT, backends.size(), "2000 flows over 100 backends reach every one");
        long total = 0;
        for (final BackendTable.Count count : backends.counts(Map.of()))
        {
            assertTrue(count.name().startsWith("172.17.0."), count.name());
            total += count.packets();
        }
        assertEquals(FLOWS, total);
    }
}
