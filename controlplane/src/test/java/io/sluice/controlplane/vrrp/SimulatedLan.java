package io.sluice.controlplane.vrrp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.sluice.dataplane.service.IpAddress;

/**
 * A deterministic wire between VRRP instances: a fake clock that jumps from one deadline to the
 * next, and a switch that delivers each frame at once to every other connected node whose MAC it
 * is addressed to (or all of them for a group address). Frames really go through
 * {@link VrrpTransmitter}, {@link VrrpFrames}, {@link AdvertisementDecoder} and {@link VrrpInstance}.
 */
final class SimulatedLan
{
    private final List<Node> nodes = new ArrayList<>();
    private final ArrayDeque<Frame> inFlight = new ArrayDeque<>();
    private final Map<IpAddress, Long> macs = new HashMap<>();
    private final List<String> transitions = new ArrayList<>();
    private long nowNs;

    private record Frame(Node sender, byte[] bytes)
    {
    }

    /** One LB: an instance, its transmitter and its counters. */
    final class Node implements VrrpTransmitter.FrameSink
    {
        final String name;
        final long mac;
        final VrrpCounters counters = new VrrpCounters();
        final VrrpInstance instance;
        boolean running;

        private Node(final String name, final long mac, final List<VrrpConfig> routers)
        {
            this.name = name;
            this.mac = mac;
            final VrrpStateListener recorder = (router, from, to) -> transitions.add(nowNs + " " + name + " " + to);
            final VrrpTransmitter transmitter = new VrrpTransmitter(this,
                address -> macs.getOrDefault(address, VrrpTransmitter.MacResolver.UNKNOWN), counters, List.of(recorder));
            instance = new VrrpInstance(routers, transmitter, counters);
        }

        @Override
        public boolean send(final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            inFlight.add(new Frame(this, bytes));
            return true;
        }

        VirtualRouter router()
        {
            return instance.routers().getFirst();
        }
    }

    /**
     * Adds a node that is not started yet; its primary addresses resolve to its MAC for unicast peers.
     */
    Node add(final String name, final VrrpConfig... routers)
    {
        final Node node = new Node(name, 0x0200_0000_0000L + nodes.size() + 1, List.of(routers));
        for (final VrrpConfig router : routers)
        {
            macs.put(router.primaryAddress(), node.mac);
        }
        nodes.add(node);
        return node;
    }

    void start(final Node node)
    {
        node.running = true;
        node.instance.start(nowNs);
        deliver();
    }

    /** The node stops dead: no priority 0, no more frames or timers (kill -9). */
    void crash(final Node node)
    {
        node.running = false;
    }

    /** The node shuts down as on SIGTERM: masters send priority 0. */
    void shutdown(final Node node)
    {
        node.instance.shutdown(nowNs);
        node.running = false;
        deliver();
    }

    /** Moves the clock to {@code endNs}, firing every deadline on the way at its exact time. */
    void runUntil(final long endNs)
    {
        while (true)
        {
            long next = VirtualRouter.NO_DEADLINE;
            for (final Node node : nodes)
            {
                final long deadline = node.instance.nextDeadlineNs();
                if (node.running && deadline != VirtualRouter.NO_DEADLINE && deadline < next)
                {
                    next = deadline;
                }
            }
            if (next == VirtualRouter.NO_DEADLINE || next > endNs)
            {
                nowNs = endNs;
                return;
            }
            nowNs = next;
            for (final Node node : nodes)
            {
                if (node.running)
                {
                    node.instance.onTimer(nowNs);
                }
            }
            deliver();
        }
    }

    /** @return the transitions of one node, each {@code "<ns> <node> <state>"}. */
    List<String> transitions(final Node node)
    {
        return transitions.stream().filter(line -> line.split(" ")[1].equals(node.name)).toList();
    }

    private void deliver()
    {
        while (!inFlight.isEmpty())
        {
            final Frame frame = inFlight.poll();
            final UnsafeBuffer buffer = new UnsafeBuffer(frame.bytes());
            final long destination = ((buffer.getInt(0, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL) << 16) |
                (buffer.getShort(4, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF);
            final boolean group = (destination >>> 40 & 1) != 0;
            for (final Node node : nodes)
            {
                if (node != frame.sender() && node.running && (group || destination == node.mac))
                {
                    node.instance.onFrame(buffer, 0, frame.bytes().length, nowNs);
                }
            }
        }
    }
}
