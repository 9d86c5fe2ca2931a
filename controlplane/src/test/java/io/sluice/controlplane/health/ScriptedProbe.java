package io.sluice.controlplane.health;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A probe that plays a script: the n-th check (counting from 1) gets the n-th step's result, later
 * checks the last step's. Results name their check ("check 3"), so an event says which check
 * caused it.
 */
final class ScriptedProbe implements HealthProbe
{
    private final List<IntFunction<CompletableFuture<ProbeResult>>> steps;
    private final AtomicInteger checks = new AtomicInteger();
    private final BlockingQueue<Integer> calls = new LinkedBlockingQueue<>();

    private ScriptedProbe(final List<IntFunction<CompletableFuture<ProbeResult>>> steps)
    {
        this.steps = steps;
    }

    /**
     * A probe playing {@code S} (success, latency 1000 + n ns) and {@code F} (failure, latency 5 ns).
     *
     * @param results e.g. "SSFF"; the last letter repeats for ever.
     */
    static ScriptedProbe of(final String results)
    {
        final List<IntFunction<CompletableFuture<ProbeResult>>> steps = results.chars()
            .mapToObj((letter) -> letter == 'S' ? success() : failure())
            .toList();
        return new ScriptedProbe(steps);
    }

    /**
     * A probe playing the given steps; the last repeats for ever.
     */
    static ScriptedProbe of(final List<IntFunction<CompletableFuture<ProbeResult>>> steps)
    {
        return new ScriptedProbe(List.copyOf(steps));
    }

    /**
     * A probe that gives every check the same treatment.
     */
    static ScriptedProbe always(final IntFunction<CompletableFuture<ProbeResult>> step)
    {
        return new ScriptedProbe(List.of(step));
    }

    static IntFunction<CompletableFuture<ProbeResult>> success()
    {
        return (check) -> CompletableFuture.completedFuture(ProbeResult.success(1000 + check, "check " + check));
    }

    static IntFunction<CompletableFuture<ProbeResult>> success(final long latencyNs)
    {
        return (check) -> CompletableFuture.completedFuture(ProbeResult.success(latencyNs, "check " + check));
    }

    static IntFunction<CompletableFuture<ProbeResult>> failure()
    {
        return (check) -> CompletableFuture.completedFuture(ProbeResult.failure(5, "check " + check));
    }

    @Override
    public CompletableFuture<ProbeResult> probe(final InetSocketAddress address, final HealthPolicy policy)
    {
        final int check = checks.incrementAndGet();
        calls.add(check);
        return steps.get(Math.min(check, steps.size()) - 1).apply(check);
    }

    /**
     * Waits until the probe has been called at least {@code count} times.
     */
    void awaitChecks(final int count) throws InterruptedException
    {
        while (checks() < count)
        {
            assertNotNull(calls.poll(LoopbackBackends.AWAIT_SECONDS, TimeUnit.SECONDS),
                "no check within " + LoopbackBackends.AWAIT_SECONDS + " s; " + checks() + " of " + count + " so far");
        }
    }

    int checks()
    {
        return checks.get();
    }
}
