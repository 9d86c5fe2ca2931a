package io.sluice.controlplane.health;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * UDP send-and-expect check: sends {@link HealthPolicy#udpSend()} from a connected
 * {@link DatagramChannel} and waits for one reply that starts with {@link HealthPolicy#udpExpect()}.
 * <p>
 * The channel is connected so that only the backend's replies are received and so that an ICMP
 * port-unreachable from the backend host surfaces as a {@link java.net.PortUnreachableException}:
 * a failure with reason "port unreachable (ICMP)" well before the timeout. The first reply decides:
 * one that does not start with the expected bytes is a failure, not a reason to keep waiting.
 */
public final class UdpProbe implements HealthProbe
{
    private static final int MAX_REPLY_LENGTH = 65_535;

    private final Executor executor;

    /**
     * A probe blocking on the given executor (virtual threads suit it: a blocked receive parks).
     *
     * @param executor where each check runs.
     */
    public UdpProbe(final Executor executor)
    {
        this.executor = executor;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public CompletableFuture<ProbeResult> probe(final InetSocketAddress address, final HealthPolicy policy)
    {
        return ProbeRunner.runAsync(executor, policy, (deadlineNs) -> exchange(address, policy, deadlineNs));
    }

    private static ProbeResult exchange(final InetSocketAddress address, final HealthPolicy policy, final long deadlineNs)
        throws IOException
    {
        try (DatagramChannel channel = DatagramChannel.open(TcpConnectProbe.family(address)))
        {
            channel.connect(address);
            channel.write(ByteBuffer.wrap(policy.udpSend()));
            final DatagramSocket socket = channel.socket();
            socket.setSoTimeout(ProbeRunner.remainingMs(deadlineNs));
            final DatagramPacket reply = new DatagramPacket(new byte[MAX_REPLY_LENGTH], MAX_REPLY_LENGTH);
            socket.receive(reply);
            final byte[] expect = policy.udpExpect();
            final int length = reply.getLength();
            if (length < expect.length || !Arrays.equals(reply.getData(), 0, expect.length, expect, 0, expect.length))
            {
                return ProbeResult.failure(0, "reply did not start with the expected bytes");
            }
            return ProbeResult.success(0, "reply of " + length + " bytes");
        }
    }
}
