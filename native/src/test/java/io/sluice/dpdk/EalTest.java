package io.sluice.dpdk;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("dpdk")
class EalTest
{
    private static final int RTE_MAX_LCORE = 128;

    @Test
    void shouldRefuseSecondStartWhenEalIsRunning()
    {
        DpdkTestSupport.eal();

        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> Eal.start(DpdkTestSupport.EAL_ARGS));

        assertTrue(ex.getMessage().contains("already started in this process"), ex.getMessage());
        assertTrue(Eal.isRunning());
    }

    @Test
    void shouldMatchJavaLayoutWhenReadingNativeOffsets()
    {
        final int[] expected =
        {
            MbufLayout.BUF_ADDR_OFFSET, MbufLayout.DATA_OFF_OFFSET, MbufLayout.PKT_LEN_OFFSET,
            MbufLayout.DATA_LEN_OFFSET, MbufLayout.BUF_LEN_OFFSET, MbufLayout.NB_SEGS_OFFSET,
            MbufLayout.PORT_OFFSET, MbufLayout.OL_FLAGS_OFFSET, MbufLayout.PACKET_TYPE_OFFSET,
            MbufLayout.HASH_RSS_OFFSET, MbufLayout.NEXT_OFFSET, MbufLayout.STRUCT_SIZE, MbufLayout.HEADROOM
        };

        assertArrayEquals(expected, MbufLayout.nativeValues());
    }

    @Test
    void shouldRunMainLcoreOnDedicatedThreadWhenStarted()
    {
        final Eal eal = DpdkTestSupport.eal();

        assertEquals(0, eal.mainLcoreId());
        assertEquals(DpdkTestSupport.EAL_ARGS, eal.arguments());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
            .anyMatch(thread -> Eal.MAIN_LCORE_THREAD_NAME.equals(thread.getName())));
    }

    @Test
    void shouldGiveValidLcoreIdWhenThreadRegisters() throws Exception
    {
        final Eal eal = DpdkTestSupport.eal();
        final CompletableFuture<int[]> observed = new CompletableFuture<>();

        final Thread thread = Thread.ofPlatform().start(() ->
        {
            try
            {
                final int before = Eal.currentLcoreId();
                final int registered = eal.registerCurrentThread();
                final int current = Eal.currentLcoreId();
                final int again = eal.registerCurrentThread();
                eal.unregisterCurrentThread();
                observed.complete(new int[] {before, registered, current, again, Eal.currentLcoreId()});
            }
            catch (final Throwable ex)
            {
                observed.completeExceptionally(ex);
            }
        });
        thread.join();
        final int[] ids = observed.get();

        assertEquals(-1, ids[0]);
        assertTrue(ids[1] > 0 && ids[1] < RTE_MAX_LCORE, "lcore id " + ids[1]);
        assertNotEquals(eal.mainLcoreId(), ids[1]);
        assertEquals(ids[1], ids[2]);
        assertEquals(ids[1], ids[3]);
        assertEquals(-1, ids[4]);
    }

    @Test
    void shouldGiveDistinctLcoreIdsWhenTwoThreadsAreRegistered() throws Exception
    {
        final Eal eal = DpdkTestSupport.eal();
        final CountDownLatch bothRegistered = new CountDownLatch(2);
        final AtomicInteger first = new AtomicInteger(-2);
        final AtomicInteger second = new AtomicInteger(-2);

        final Thread a = Thread.ofPlatform().start(() -> registerAndHold(eal, first, bothRegistered));
        final Thread b = Thread.ofPlatform().start(() -> registerAndHold(eal, second, bothRegistered));
        a.join();
        b.join();

        assertTrue(first.get() > 0, "first lcore " + first.get());
        assertTrue(second.get() > 0, "second lcore " + second.get());
        assertNotEquals(first.get(), second.get());
    }

    private static void registerAndHold(final Eal eal, final AtomicInteger lcoreId, final CountDownLatch bothRegistered)
    {
        lcoreId.set(eal.registerCurrentThread());
        bothRegistered.countDown();
        try
        {
            bothRegistered.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            eal.unregisterCurrentThread();
        }
    }

    @Test
    void shouldRefuseVirtualThreadWhenRegistering() throws Exception
    {
        final Eal eal = DpdkTestSupport.eal();
        final CompletableFuture<Throwable> failure = new CompletableFuture<>();

        Thread.ofVirtual().start(() ->
        {
            try
            {
                eal.registerCurrentThread();
                failure.complete(null);
            }
            catch (final Throwable ex)
            {
                failure.complete(ex);
            }
        }).join();

        final IllegalStateException ex = assertInstanceOf(IllegalStateException.class, failure.get());
        assertTrue(ex.getMessage().contains("virtual thread"), ex.getMessage());
    }

    @Test
    void shouldRejectNullArgumentsWhenStarting()
    {
        assertThrows(NullPointerException.class, () -> Eal.start(null));
        assertThrows(NullPointerException.class, () -> Eal.start(java.util.Arrays.asList("-l", null)));
    }
}
