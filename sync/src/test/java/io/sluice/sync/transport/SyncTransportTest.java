package io.sluice.sync.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two sync transports on the loopback interface, each with its own embedded driver, driven by the
 * test's thread as the sync agent drives them.
 */
class SyncTransportTest
{
    private static final String A = "127.0.0.1:47311";
    private static final String B = "127.0.0.1:47312";

    private static SyncTransportConfig config(final String name, final String listen, final String peer)
    {
        return new SyncTransportConfig("/dev/shm/sluice-sync-test-" + name + "-" + ProcessHandle.current().pid(), listen,
            List.of(peer), null, SyncTransportConfig.DEFAULT_STREAM_ID, SyncTransportConfig.MIN_TERM_LENGTH);
    }

    @Test
    void shouldCarryMessagesBothWaysInOrderAndSeeARestartedPeerAsANewStream()
    {
        final List<String> eventsOfA = new ArrayList<>();
        final List<String> receivedByA = new ArrayList<>();
        final List<String> receivedByB = new ArrayList<>();
        try (SyncTransport a = new SyncTransport(config("a", A, B), (session, source, up) -> eventsOfA.add((up ? "up " : "down ") + session)))
        {
            int firstSession;
            try (SyncTransport b = new SyncTransport(config("b", B, A), (session, source, up) -> { }))
            {
                awaitTrue(() -> a.allPeersConnected() && b.allPeersConnected(), a, b);
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
                for (int i = 0; i < 100; i++)
                {
                    final int length = buffer.putStringWithoutLengthAscii(0, "a" + i);
                    assertEquals(1, a.offer(buffer, 0, length), "the one peer took message " + i);
                    final int lengthB = buffer.putStringWithoutLengthAscii(0, "b" + i);
                    assertEquals(1, b.offer(buffer, 0, lengthB));
                }
                awaitTrue(() ->
                {
                    a.poll((buf, offset, length, header) -> receivedByA.add(buf.getStringWithoutLengthAscii(offset, length)), 10);
                    b.poll((buf, offset, length, header) -> receivedByB.add(buf.getStringWithoutLengthAscii(offset, length)), 10);
                    return receivedByA.size() == 100 && receivedByB.size() == 100;
                }, a, b);
                for (int i = 0; i < 100; i++)
                {
                    assertEquals("b" + i, receivedByA.get(i), "in order");
                    assertEquals("a" + i, receivedByB.get(i));
                }
                assertEquals(100, a.counter(TransportCounter.MESSAGES_SENT));
                assertEquals(100, a.counter(TransportCounter.MESSAGES_RECEIVED));
                awaitTrue(() -> !eventsOfA.isEmpty(), a, b);
                firstSession = Integer.parseInt(eventsOfA.get(0).substring(3));
            }

            try (SyncTransport b = new SyncTransport(config("b", B, A), (session, source, up) -> { }))
            {
                awaitTrue(() -> eventsOfA.stream().filter(event -> event.startsWith("up ")).count() == 2, a, b);
                final String second = eventsOfA.stream().filter(event -> event.startsWith("up ")).toList().get(1);
                assertTrue(Integer.parseInt(second.substring(3)) != firstSession, "a restarted peer is a new stream: " + eventsOfA);
            }
        }
    }

    @Test
    void shouldSendSeveralFullFramesWhenDoWorkIsCalledOnce()
    {
        try (SyncTransport a = new SyncTransport(config("burst-a", A, B), (session, source, up) -> { });
            SyncTransport b = new SyncTransport(config("burst-b", B, A), (session, source, up) -> { }))
        {
            awaitTrue(() -> a.allPeersConnected() && b.allPeersConnected(), a, b);
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[a.maxMessageLength()]);
            final int messages = 4;
            for (int i = 0; i < messages; i++)
            {
                assertEquals(1, a.offer(buffer, 0, a.maxMessageLength()), "a full frame each");
            }
            a.doWork();
            final int[] received = new int[1];
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() - deadline < 0)
            {
                b.doWork();
                received[0] += b.poll((buf, offset, length, header) -> { }, 10);
            }
            assertEquals(messages, received[0], "one call of the sender's duty cycle put every frame on the wire");
        }
    }

    @Test
    void shouldCountAndNeverWaitWhenThePeerIsAbsent()
    {
        try (SyncTransport a = new SyncTransport(config("lonely", A, B), (session, source, up) -> { }))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
            final long start = System.nanoTime();
            for (int i = 0; i < 1000; i++)
            {
                a.doWork();
                assertEquals(0, a.offer(buffer, 0, 16), "no peer took it");
            }
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "offers to an absent peer do not wait");
            assertEquals(1000, a.counter(TransportCounter.NOT_CONNECTED));
            assertEquals(0, a.counter(TransportCounter.MESSAGES_SENT));
        }
    }

    @Test
    void shouldRefuseAConfigurationThatCannotWork()
    {
        assertEquals("sync peer 127.0.0.1:47311 is this LB's own listen address", assertThrows(IllegalArgumentException.class,
            () -> config("x", A, A)).getMessage());
        assertEquals("sync peer 'lb2' is not address:port", assertThrows(IllegalArgumentException.class,
            () -> config("x", A, "lb2")).getMessage());
        assertEquals("sync term length 100000 is not a power of two from 65536 to 1073741824",
            assertThrows(IllegalArgumentException.class, () -> new SyncTransportConfig("/dev/shm/x", A, List.of(B), null, 1, 100_000))
                .getMessage());
        assertEquals("sync has no peer: list peers, or give a multicast group and interface",
            assertThrows(IllegalArgumentException.class, () -> new SyncTransportConfig("/dev/shm/x", A, List.of(), null, 1, 65536))
                .getMessage());
    }

    private static void awaitTrue(final BooleanSupplier condition, final SyncTransport... transports)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            for (final SyncTransport transport : transports)
            {
                transport.doWork();
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("not reached within 10 s");
            }
            Thread.onSpinWait();
        }
    }
}
