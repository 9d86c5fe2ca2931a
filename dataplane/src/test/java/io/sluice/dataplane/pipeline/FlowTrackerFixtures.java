package io.sluice.dataplane.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.ring.FlowEventRing;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.FlowReplyRing;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.Scheduler;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.stats.Verdict;

import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The services, frames and ring collectors of the flow tracker's tests. The services beside the
 * harness's standard ones have timeouts of their own (so an event shows which timeout it took) and
 * IPIP backends behind the gateway, whose outer destination in the frame that leaves names the
 * backend a packet went to.
 */
final class FlowTrackerFixtures
{
    static final String VIP = "192.0.2.60";
    static final String VIP_OTHER = "192.0.2.61";
    static final String VIP_OPS = "192.0.2.62";
    static final String VIP6 = "2001:db8:100::60";
    static final String[] BACKENDS = {"10.2.0.1", "10.2.0.2", "10.2.0.3"};
    static final String BACKEND_OTHER = "10.2.0.9";
    static final String BACKEND6 = "2001:db8:2::1";
    static final long TCP_IDLE_NS = TimeUnit.SECONDS.toNanos(123);
    static final long UDP_IDLE_NS = TimeUnit.SECONDS.toNanos(45);
    static final long TCP6_IDLE_NS = TimeUnit.SECONDS.toNanos(77);

    private FlowTrackerFixtures()
    {
    }

    /** The extra services, with the given backends of {@link #VIP}:80/tcp. */
    static List<ServiceSpec> services(final String... vipBackends)
    {
        return List.of(
            spec(VIP, 80, TCP, vipBackends),
            spec(VIP, 53, UDP, BACKENDS),
            spec(VIP_OTHER, 80, TCP, BACKEND_OTHER),
            spec(VIP6, 80, TCP, BACKEND6),
            spec(VIP_OPS, 5353, UDP, BACKENDS).withScheduling(Scheduler.ROUND_ROBIN, true));
    }

    /** The extra services with all of {@link #BACKENDS} behind {@link #VIP}:80/tcp. */
    static List<ServiceSpec> services()
    {
        return services(BACKENDS);
    }

    private static ServiceSpec spec(final String vip, final int port, final int protocol, final String... backends)
    {
        final List<ServiceSpec.BackendSpec> specs = new ArrayList<>();
        for (final String backend : backends)
        {
            specs.add(new ServiceSpec.BackendSpec(IpAddress.parse(backend), 1));
        }
        final boolean ipv6 = IpAddress.parse(vip).ipv6();
        return new ServiceSpec(IpAddress.parse(vip), port, protocol, ForwardingMode.IPIP, specs, MaglevTable.DEFAULT_SIZE,
            ipv6 ? TCP6_IDLE_NS : TCP_IDLE_NS, UDP_IDLE_NS);
    }

    static byte[] tcpFrame(final String vip, final int clientPort, final int flags)
    {
        return ethernet(LB_MAC, CLIENT_MAC, ETHERTYPE_IPV4,
            ipv4(CLIENT, vip, TCP, 64, 0, 0x4000, 1, tcp(CLIENT, vip, clientPort, 80, flags, new byte[0])));
    }

    static byte[] tcp6Frame(final int clientPort, final int flags)
    {
        return ethernet(LB_MAC, CLIENT_MAC, ETHERTYPE_IPV6,
            ipv6(CLIENT6, VIP6, TCP, 64, 0, 0, tcp(CLIENT6, VIP6, clientPort, 80, flags, new byte[0])));
    }

    static byte[] udpFrame(final String vip, final int clientPort, final int port)
    {
        return ethernet(LB_MAC, CLIENT_MAC, ETHERTYPE_IPV4,
            ipv4(CLIENT, vip, UDP, 64, 0, 0, 1, udp(CLIENT, vip, clientPort, port, new byte[]{1, 2, 3})));
    }

    static FlowKey key(final String vip, final int clientPort, final int port, final int protocol)
    {
        return new FlowKey().setIpv4(IpAddress.parse(CLIENT).ipv4(), IpAddress.parse(vip).ipv4(), clientPort, port, protocol);
    }

    static FlowKey key6(final int clientPort)
    {
        final IpAddress client = IpAddress.parse(CLIENT6);
        final IpAddress vip = IpAddress.parse(VIP6);
        return new FlowKey().setIpv6(client.hi(), client.lo(), vip.hi(), vip.lo(), clientPort, 80, TCP);
    }

    /** The record a flow should be described by: the tuple, the service, the backend at the VIP's port. */
    static FlowRecord record(
        final FlowKey key, final String vip, final int port, final int protocol, final String backend, final long timeoutNs,
        final long createdNs)
    {
        final IpAddress service = IpAddress.parse(vip);
        final IpAddress address = IpAddress.parse(backend);
        return new FlowRecord().copyKey(key).service(service.hi(), service.lo(), port, protocol)
            .backend(address.hi(), address.lo(), port).idleTimeoutNs(timeoutNs).createdNs(createdNs);
    }

    /** Runs a frame that must be forwarded over IPIP and returns the backend, the outer destination. */
    static String forwardedTo(final PipelineHarness harness, final byte[] frame)
    {
        final PipelineHarness.Result result = harness.run(frame);
        assertEquals(Verdict.FORWARD, result.verdict(), "forwarded");
        final byte[] out = result.output();
        if (((out[12] & 0xFF) << 8 | (out[13] & 0xFF)) == ETHERTYPE_IPV6)
        {
            final byte[] address = new byte[16];
            System.arraycopy(out, 14 + 24, address, 0, 16);
            return IpAddress.ofIpv6(hi(address), lo(address)).toString();
        }
        return (out[30] & 0xFF) + "." + (out[31] & 0xFF) + "." + (out[32] & 0xFF) + "." + (out[33] & 0xFF);
    }

    private static long hi(final byte[] b)
    {
        return java.nio.ByteBuffer.wrap(b, 0, 8).getLong();
    }

    private static long lo(final byte[] b)
    {
        return java.nio.ByteBuffer.wrap(b, 8, 8).getLong();
    }

    /** Starts a duty cycle at the harness's clock without a packet, as the worker does before draining commands. */
    static void begin(final PipelineHarness harness)
    {
        harness.pipeline().begin(harness.snapshot(), macLong(LB_MAC), harness.nowNs());
    }

    /** One flow event, copied out of the ring. */
    record Event(int type, FlowRecord record)
    {
        @Override
        public String toString()
        {
            return (type == FlowEventRing.NEW ? "NEW " : type == FlowEventRing.REPIN ? "REPIN " : "CLOSE ") + record;
        }
    }

    /** Drains every event the harness's flow tracker has written. */
    static List<Event> events(final PipelineHarness harness)
    {
        final List<Event> events = new ArrayList<>();
        while (harness.events().drain((type, record) -> events.add(new Event(type, new FlowRecord().set(record))), 1000) > 0)
        {
        }
        assertEquals(0, harness.events().malformed());
        return events;
    }

    /** Collects replies (allocating: not for the allocation test). */
    static final class Replies implements FlowReplyRing.FlowReplyHandler
    {
        final List<Long> lookupIds = new ArrayList<>();
        final List<Boolean> found = new ArrayList<>();
        final List<FlowRecord> lookups = new ArrayList<>();
        final List<FlowRecord> dumped = new ArrayList<>();
        final List<Long> dumpIds = new ArrayList<>();
        final List<Long> endIds = new ArrayList<>();
        final List<Integer> nextHandles = new ArrayList<>();

        static Replies drain(final PipelineHarness harness)
        {
            final Replies replies = new Replies();
            while (harness.replies().drain(replies, 1000) > 0)
            {
            }
            assertEquals(0, harness.replies().malformed());
            return replies;
        }

        @Override
        public void onLookupReply(final long requestId, final boolean isFound, final FlowRecord record)
        {
            lookupIds.add(requestId);
            found.add(isFound);
            lookups.add(new FlowRecord().set(record));
        }

        @Override
        public void onDumpRecord(final long requestId, final FlowRecord record)
        {
            dumpIds.add(requestId);
            dumped.add(new FlowRecord().set(record));
        }

        @Override
        public void onDumpEnd(final long requestId, final int nextHandle)
        {
            endIds.add(requestId);
            nextHandles.add(nextHandle);
        }
    }
}
