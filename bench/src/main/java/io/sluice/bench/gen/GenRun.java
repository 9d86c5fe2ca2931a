package io.sluice.bench.gen;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.SystemNanoClock;

import io.sluice.dpdk.Eal;
import io.sluice.dpdk.LinkState;
import io.sluice.dpdk.MbufPool;
import io.sluice.dpdk.Port;
import io.sluice.dpdk.PortConfig;

/**
 * One generator process: starts EAL, opens the pool and the ports, waits for their links, runs the
 * {@link TrafficLoop} on a polling platform thread (pinned to {@code --core}, registered with EAL),
 * or its sending and receiving halves on two ({@code --rx-core}), while this thread prints a
 * progress line per interval, then prints the summary and closes
 * everything in reverse order. SIGINT or SIGTERM ends the sending early; the drain and the summary
 * still run.
 */
final class GenRun
{
    private static final String POOL_NAME = "sluice_gen";
    private static final int POOL_CACHE = 256;
    private static final long LINK_POLL_MS = 100;
    private static final long SHUTDOWN_WAIT_S = 10;
    private static final double NS_PER_US = 1000.0;

    private final GenConfig config;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param config the settings.
     * @param out    where the summary goes.
     * @param err    where progress and notes go.
     */
    GenRun(final GenConfig config, final PrintStream out, final PrintStream err)
    {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the generator to the end.
     *
     * @return the exit code, 0.
     */
    int run()
    {
        note("EAL " + String.join(" ", config.ealArgs()));
        final Eal eal = Eal.start(config.ealArgs());
        final CountDownLatch finished = new CountDownLatch(1);
        final AtomicReference<TrafficLoop> running = new AtomicReference<>();
        final Thread hook = new Thread(() ->
        {
            final TrafficLoop loop = running.get();
            if (loop != null)
            {
                loop.requestStop();
            }
            awaitQuietly(finished);
        }, "sluice-gen-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (MbufPool pool = MbufPool.create(POOL_NAME, config.mbufs(), POOL_CACHE, MbufPool.DEFAULT_DATA_ROOM_SIZE))
        {
            final GenSummary summary = runOnPorts(eal, pool, running);
            out.print(config.json() ? summary.json() + "\n" : summary.text());
            out.flush();
        }
        finally
        {
            eal.close();
            finished.countDown();
        }
        return 0;
    }

    private GenSummary runOnPorts(final Eal eal, final MbufPool pool, final AtomicReference<TrafficLoop> running)
    {
        final PortConfig portConfig = new PortConfig(1, 1, config.descriptors(), config.descriptors(), true);
        final Port txPort = Port.open(config.txDevice(), portConfig, pool);
        Port rxPort = txPort;
        try
        {
            if (!config.onePort())
            {
                rxPort = Port.open(config.rxDevice(), portConfig, pool);
            }
            final long srcMac = config.srcMac() >= 0 ? config.srcMac() : txPort.macAddress().value();
            note("tx " + txPort + " mac " + txPort.macAddress() + (config.onePort() ? ", rx the same" : ", rx " + rxPort));
            awaitLink(txPort);
            awaitLink(rxPort);
            final Histogram latency = LatencyRecorder.newHistogram();
            final int inUseAtEnd;
            final TrafficLoop stopped;
            try (TrafficFrames frames = new TrafficFrames(config, srcMac);
                TrafficLoop loop = new TrafficLoop(config, txPort, rxPort, pool, frames, new SystemNanoClock()))
            {
                running.set(loop);
                poll(eal, loop, latency);
                inUseAtEnd = pool.inUseCount();
                stopped = loop;
                running.set(null);
                final int leaked = closePorts(txPort, rxPort, pool);
                return GenSummary.of(stopped, latency, config.macNames(), inUseAtEnd, leaked);
            }
        }
        finally
        {
            rxPort.close();
            txPort.close();
        }
    }

    private void poll(final Eal eal, final TrafficLoop loop, final Histogram latency)
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final boolean split = config.rxCore() >= 0;
        note(String.format(Locale.ROOT, "sending %s%s, %d flows, %.4f%% new, %d-byte frames, %s; warm-up %.1f s; %s",
            config.count() > 0 ? config.count() + " packets" : config.durationNs() / 1e9 + " s",
            config.ratePps() > 0 ? " at " + config.ratePps() + " pps" : " flat out", config.flows(),
            config.newFlowsPpm() / 1e4, config.frameSize(), config.expect().name().toLowerCase(Locale.ROOT) + " expected",
            config.warmupNs() / 1e9, split ? "tx and rx on two threads" : "one polling thread"));
        loop.start();
        final Thread sender = pollingThread(split ? "sluice-gen-tx" : "sluice-gen-poll", config.core(), eal, failure, split ?
            () -> loop.isSendingEnded() || failure.get() != null : () -> loop.isDone() || failure.get() != null,
            split ? loop::doTransmit : loop::doWork);
        final Thread receiver = !split ? sender : pollingThread("sluice-gen-rx", config.rxCore(), eal, failure,
            () -> loop.isDone() || failure.get() != null, loop::doReceive);
        sender.start();
        if (split)
        {
            receiver.start();
        }
        report(receiver, loop, latency);
        joinQuietly(sender, 0);
        final Throwable thrown = failure.get();
        if (thrown instanceof RuntimeException ex)
        {
            throw ex;
        }
        if (thrown instanceof Error ex)
        {
            throw ex;
        }
    }

    private static Thread pollingThread(
        final String name, final int cpu, final Eal eal, final AtomicReference<Throwable> failure,
        final BooleanSupplier finished, final IntSupplier dutyCycle)
    {
        return Thread.ofPlatform().name(name).unstarted(() ->
        {
            try
            {
                if (cpu >= 0)
                {
                    eal.pinCurrentThread(cpu);
                }
                eal.registerCurrentThread();
                try
                {
                    while (!finished.getAsBoolean())
                    {
                        dutyCycle.getAsInt();
                    }
                }
                finally
                {
                    eal.unregisterCurrentThread();
                }
            }
            catch (final RuntimeException | Error ex)
            {
                failure.compareAndSet(null, ex);
            }
        });
    }

    private void report(final Thread poller, final TrafficLoop loop, final Histogram total)
    {
        final Histogram interval = LatencyRecorder.newHistogram();
        final GenCounters counters = loop.counters();
        final long startNs = System.nanoTime();
        final long progressNs = config.progressNs();
        long lastNs = startNs;
        long lastTx = 0;
        long lastRx = 0;
        while (poller.isAlive())
        {
            joinQuietly(poller, progressNs > 0 ? Math.max(1, progressNs / 1_000_000) : LINK_POLL_MS);
            final long nowNs = System.nanoTime();
            if (progressNs <= 0 || nowNs - lastNs < progressNs || !poller.isAlive())
            {
                continue;
            }
            interval.reset();
            loop.latency().takeInterval(interval);
            total.add(interval);
            final long measuredTx = counters.get(GenCounters.TX_PACKETS);
            final long measuredRx = counters.get(GenCounters.RX_PACKETS);
            final long tx = measuredTx + counters.get(GenCounters.TX_WARMUP);
            final long rx = measuredRx + counters.get(GenCounters.RX_WARMUP);
            final double seconds = (nowNs - lastNs) / 1e9;
            final String latencies = interval.getTotalCount() == 0 ? "p50 -  p99 -" : String.format(Locale.ROOT,
                "p50 %.1f µs  p99 %.1f µs", interval.getValueAtPercentile(50) / NS_PER_US,
                interval.getValueAtPercentile(99) / NS_PER_US);
            err.printf(Locale.ROOT, "[gen] %6.1f s  tx %7.3f Mpps  rx %7.3f Mpps  lost or in flight %,d (%.3f%%)  %s%s%n",
                (nowNs - startNs) / 1e9, (tx - lastTx) / seconds / 1e6, (rx - lastRx) / seconds / 1e6, measuredTx - measuredRx,
                measuredTx == 0 ? 0.0 : 100.0 * (measuredTx - measuredRx) / measuredTx, latencies,
                measuredTx == 0 ? "  (warm-up)" : "");
            lastNs = nowNs;
            lastTx = tx;
            lastRx = rx;
        }
        interval.reset();
        loop.latency().takeInterval(interval);
        total.add(interval);
    }

    private void awaitLink(final Port port)
    {
        final long deadlineNs = System.nanoTime() + config.linkWaitNs();
        LinkState link = port.link();
        boolean said = false;
        while (!link.up() && System.nanoTime() - deadlineNs < 0)
        {
            if (!said)
            {
                note("waiting up to " + config.linkWaitNs() / 1_000_000_000.0 + " s for the link of " + port);
                said = true;
            }
            sleepQuietly(LINK_POLL_MS);
            link = port.link();
        }
        if (!link.up())
        {
            throw new IllegalStateException("the link of " + port + " is still down after " + config.linkWaitNs() / 1e9 +
                " s (--link-wait): is the peer (memif client or server) running?");
        }
    }

    private static int closePorts(final Port txPort, final Port rxPort, final MbufPool pool)
    {
        rxPort.close();
        txPort.close();
        return pool.inUseCount();
    }

    private void note(final String text)
    {
        err.println("[gen] " + text);
    }

    private static void joinQuietly(final Thread thread, final long millis)
    {
        try
        {
            thread.join(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(SHUTDOWN_WAIT_S, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
