package io.sluice.bench.pipeline;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.nat.PortPool;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.stats.WorkerCounter;

import static io.sluice.bench.pipeline.PipelineFixture.BACKEND_COUNT;
import static io.sluice.bench.pipeline.PipelineFixture.BACKEND_PORT;
import static io.sluice.bench.pipeline.PipelineFixture.BURST_SIZE;
import static io.sluice.bench.pipeline.PipelineFixture.FIRST_BACKEND_ADDRESS;
import static io.sluice.bench.pipeline.PipelineFixture.NAT_ADDRESS;
import static io.sluice.bench.pipeline.PipelineFixture.VIP_ADDRESS;
import static io.sluice.bench.pipeline.PipelineFixture.VIP_PORT;
import static io.sluice.bench.pipeline.TcpFrameEncoder.FRAME_LENGTH;
import static io.sluice.bench.pipeline.TcpFrameEncoder.IPV4_HEADER_LENGTH;
import static io.sluice.bench.pipeline.TcpFrameEncoder.IPV4_OFFSET;
import static io.sluice.bench.pipeline.TcpFrameEncoder.IP_DST_AT;
import static io.sluice.bench.pipeline.TcpFrameEncoder.IP_SRC_AT;
import static io.sluice.bench.pipeline.TcpFrameEncoder.PROTOCOL_TCP;
import static io.sluice.bench.pipeline.TcpFrameEncoder.TCP_HEADER_LENGTH;
import static io.sluice.bench.pipeline.TcpFrameEncoder.TCP_OFFSET;
import static io.sluice.bench.pipeline.TcpFrameEncoder.U32;
import static io.sluice.bench.pipeline.TcpFrameEncoder.checksum;
import static io.sluice.bench.pipeline.TcpFrameEncoder.sum;
import static io.sluice.bench.pipeline.TcpFrameEncoder.u16;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the NAT and full-NAT benchmark states the way the JMH methods do, reads the packets they
 * leave by this test's own decoding (addresses, ports, checksums), and checks that the fixture's
 * checks refuse what is not the translated packet: so the NAT cases cannot time a drop or a wrong
 * rewrite unnoticed.
 */
class NatPipelineStatesTest
{
    private static final MemorySegment MEMORY = PipelineFixture.memory();
    private static final int BURSTS = 100;

    @ParameterizedTest
    @EnumSource(value = ForwardingMode.class, names = {"NAT", "FULLNAT"})
    void shouldTranslateEveryPacketToItsBackendWhenFlowsAreEstablished(final ForwardingMode mode)
    {
        final EstablishedFlowState state = new EstablishedFlowState(mode, false);
        state.setUp();
        final PipelineFixture fixture = state.fixture();
        runBursts(state, i -> assertTranslatedToBackend(mode, fixture.frameAddress(), i));

        assertEquals((long)BURSTS * BURST_SIZE, fixture.sinceMark(WorkerCounter.FLOW_HITS));
        assertEquals(0, fixture.sinceMark(WorkerCounter.FLOW_NEW));
        assertEquals(mode == ForwardingMode.FULLNAT ? 2 * EstablishedFlowState.FLOW_COUNT : EstablishedFlowState.FLOW_COUNT,
            fixture.flowTable().size(), "full NAT holds a forward and a reverse entry per flow");
        assertDoesNotThrow(state::tearDown);
    }

    @ParameterizedTest
    @EnumSource(value = ForwardingMode.class, names = {"NAT", "FULLNAT"})
    void shouldTranslateEveryReplyBackToItsClientWhenBackendsAnswer(final ForwardingMode mode)
    {
        final EstablishedFlowState state = new EstablishedFlowState(mode, true);
        state.setUp();
        final PipelineFixture fixture = state.fixture();
        runBursts(state, i ->
        {
            final long frame = fixture.frameAddress();
            assertEquals(FRAME_LENGTH, fixture.frameLength());
            assertEquals(PipelineFixture.ROUTER_MAC, macAt(frame), "to the gateway towards the clients");
            assertEquals(VIP_ADDRESS, MEMORY.get(U32, frame + IP_SRC_AT));
            assertEquals(VIP_PORT, u16(MEMORY, frame + TCP_OFFSET));
            assertEquals(ClientTuples.address(i), MEMORY.get(U32, frame + IP_DST_AT));
            assertEquals(ClientTuples.port(i), u16(MEMORY, frame + TCP_OFFSET + 2));
            assertChecksumsValid(frame);
        });

        assertEquals((long)BURSTS * BURST_SIZE, fixture.sinceMark(WorkerCounter.NAT_REPLIES));
        assertEquals((long)BURSTS * BURST_SIZE, fixture.sinceMark(WorkerCounter.FORWARDED));
        assertDoesNotThrow(state::tearDown);
    }

    @Test
    void shouldFindFreePortForEveryNewFlowWhenPoolsComeRoundManyTimes()
    {
        final int natLastPort = PortPool.MIN_PORT + 1023;
        final NewFlowState state = new NewFlowState(ForwardingMode.FULLNAT, natLastPort);
        state.setUp();
        final PipelineFixture fixture = state.fixture();
        final FlowTable table = fixture.flowTable();
        final int[] usesOfPortByBackend0 = new int[natLastPort + 1];
        final int bursts = 4 * NewFlowState.FLOW_TABLE_CAPACITY / BURST_SIZE;
        for (int burst = 0; burst < bursts; burst++)
        {
            final long firstTuple = state.nextTuple();
            state.beginBurst();
            for (int i = 0; i < BURST_SIZE; i++)
            {
                fixture.requireForwarded(state.processPacket(i), firstTuple + i);
                final long frame = fixture.frameAddress();
                assertTranslatedToBackend(ForwardingMode.FULLNAT, frame, firstTuple + i);
                if (MEMORY.get(U32, frame + IP_DST_AT) == FIRST_BACKEND_ADDRESS)
                {
                    usesOfPortByBackend0[u16(MEMORY, frame + TCP_OFFSET)]++;
                }
            }
        }

        final long packets = (long)bursts * BURST_SIZE;
        assertEquals(packets, fixture.sinceMark(WorkerCounter.FLOW_NEW));
        assertEquals(0, fixture.sinceMark(WorkerCounter.DROPPED));
        assertEquals(0, fixture.counters().get(WorkerCounter.FLOW_FALLBACK));
        assertEquals(0, table.insertFailures());
        assertTrue(Arrays.stream(usesOfPortByBackend0).max().orElseThrow() >= 2,
            "a pool of 1024 ports per backend comes round during the run: ports are reused once their flows expired");
        assertEquals(NewFlowState.FLOW_TABLE_CAPACITY, table.size(), "every slot in use: inserts reuse expired slots");
        assertDoesNotThrow(state::tearDown);
    }

    @Test
    void shouldInsertEveryPacketAsNatFlowWhenTuplesAreNew()
    {
        final NewFlowState state = new NewFlowState(ForwardingMode.NAT, PortPool.MAX_PORT);
        state.setUp();
        final PipelineFixture fixture = state.fixture();
        final int bursts = NewFlowState.FLOW_TABLE_CAPACITY / BURST_SIZE;
        for (int burst = 0; burst < bursts; burst++)
        {
            final long firstTuple = state.nextTuple();
            state.runCheckedBurst();
            assertTranslatedToBackend(ForwardingMode.NAT, fixture.frameAddress(), firstTuple + BURST_SIZE - 1);
        }

        assertEquals((long)bursts * BURST_SIZE, fixture.sinceMark(WorkerCounter.FLOW_NEW));
        assertDoesNotThrow(state::tearDown);
    }

    @ParameterizedTest
    @EnumSource(value = ForwardingMode.class, names = {"NAT", "FULLNAT"})
    void shouldRefuseTranslatedPacketWhenOneByteDiffers(final ForwardingMode mode)
    {
        final EstablishedFlowState state = new EstablishedFlowState(mode, false);
        state.setUp();
        final PipelineFixture fixture = state.fixture();
        state.beginBurst();
        final int verdict = state.processPacket(0);
        assertDoesNotThrow(() -> fixture.requireForwarded(verdict, 0));
        final long ttl = fixture.frameAddress() + IPV4_OFFSET + 8;
        MEMORY.set(ValueLayout.JAVA_BYTE, ttl, (byte)64);

        final IllegalStateException failure = assertThrows(IllegalStateException.class, () -> fixture.requireForwarded(verdict, 0));
        assertTrue(failure.getMessage().contains("byte for byte"), failure.getMessage());
        fixture.close();
    }

    @Test
    void shouldRefuseNatPacketWhenItIsNotTheClientsFlow()
    {
        final EstablishedFlowState state = new EstablishedFlowState(ForwardingMode.NAT, false);
        state.setUp();
        final PipelineFixture fixture = state.fixture();
        state.beginBurst();
        final int verdict = state.processPacket(3);

        assertDoesNotThrow(() -> fixture.requireForwarded(verdict, 3));
        assertThrows(IllegalStateException.class, () -> fixture.requireForwarded(verdict, 4));
        assertThrows(IllegalStateException.class, () -> fixture.requireReplied(verdict, 3));
        fixture.close();
    }

    @Test
    void shouldRefuseRepliesWhenModeIsIpip()
    {
        final EstablishedFlowState state = new EstablishedFlowState(ForwardingMode.IPIP, true);

        assertThrows(IllegalArgumentException.class, state::setUp);
    }

    /** Runs {@link #BURSTS} bursts as the JMH method does, each packet checked by the state and by {@code check}. */
    private static void runBursts(final EstablishedFlowState state, final IntConsumer check)
    {
        for (int burst = 0; burst < BURSTS; burst++)
        {
            state.beginBurst();
            for (int i = 0; i < BURST_SIZE; i++)
            {
                state.requireExpected(state.processPacket(i), i);
                check.accept(i);
            }
        }
    }

    private static long macAt(final long frame)
    {
        return ((long)u16(MEMORY, frame) << 32) | (MEMORY.get(U32, frame + 2) & 0xFFFF_FFFFL);
    }

    private static void assertTranslatedToBackend(final ForwardingMode mode, final long frame, final long tuple)
    {
        final int backend = MEMORY.get(U32, frame + IP_DST_AT) - FIRST_BACKEND_ADDRESS;
        assertTrue(backend >= 0 && backend < BACKEND_COUNT, "destination is one of the backends: " + backend);
        assertEquals(BACKEND_PORT, u16(MEMORY, frame + TCP_OFFSET + 2));
        assertEquals(PipelineFixture.FIRST_BACKEND_MAC + backend, macAt(frame), "to the backend's MAC");
        if (mode == ForwardingMode.FULLNAT)
        {
            assertEquals(NAT_ADDRESS, MEMORY.get(U32, frame + IP_SRC_AT));
            assertTrue(u16(MEMORY, frame + TCP_OFFSET) >= PortPool.MIN_PORT, "a pool port");
        }
        else
        {
            assertEquals(ClientTuples.address(tuple), MEMORY.get(U32, frame + IP_SRC_AT));
            assertEquals(ClientTuples.port(tuple), u16(MEMORY, frame + TCP_OFFSET));
        }
        assertEquals(TcpFrameEncoder.TTL - 1, MEMORY.get(ValueLayout.JAVA_BYTE, frame + IPV4_OFFSET + 8));
        assertChecksumsValid(frame);
    }

    private static void assertChecksumsValid(final long frame)
    {
        assertEquals(0, checksum(sum(MEMORY, frame + IPV4_OFFSET, IPV4_HEADER_LENGTH)), "IPv4 header checksum");
        final int src = MEMORY.get(U32, frame + IP_SRC_AT);
        final int dst = MEMORY.get(U32, frame + IP_DST_AT);
        final long pseudoHeader = (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + PROTOCOL_TCP + TCP_HEADER_LENGTH;
        assertEquals(0, checksum(pseudoHeader + sum(MEMORY, frame + TCP_OFFSET, TCP_HEADER_LENGTH)), "TCP checksum");
    }
}
