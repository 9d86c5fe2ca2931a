package io.sluice.controlplane.health;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;

/**
 * Runs a blocking check on an executor and turns whatever happens into a {@link ProbeResult}:
 * latency measured around the check, every exception a failure with a short reason.
 */
final class ProbeRunner
{
    /** The body of a blocking check. */
    @FunctionalInterface
    interface BlockingCheck
    {
        /**
         * Runs the check; its latency is measured by the runner.
         *
         * @param deadlineNs the {@link System#nanoTime()} by which the check must give up.
         * @return the outcome (the latency in it is replaced).
         * @throws Exception on any failure; the runner names it.
         */
        ProbeResult run(long deadlineNs) throws Exception;
    }

    private ProbeRunner()
    {
    }

    /**
     * Runs a check on an executor.
     *
     * @param executor where the check blocks.
     * @param policy   its timeout.
     * @param check    the check.
     * @return a future that always completes normally.
     */
    static CompletableFuture<ProbeResult> runAsync(
        final Executor executor, final HealthPolicy policy, final BlockingCheck check)
    {
        final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        try
        {
            executor.execute(() -> result.complete(runNow(policy, check)));
        }
        catch (final RejectedExecutionException ex)
        {
            result.complete(ProbeResult.failure(0, "health checker closed"));
        }
        return result;
    }

    /**
     * Runs a check on the calling thread.
     *
     * @param policy its timeout.
     * @param check  the check.
     * @return the result, never null.
     */
    static ProbeResult runNow(final HealthPolicy policy, final BlockingCheck check)
    {
        final long startNs = System.nanoTime();
        try
        {
            final ProbeResult outcome = check.run(startNs + policy.timeout().toNanos());
            final long latencyNs = System.nanoTime() - startNs;
            return outcome == null ? ProbeResult.failure(latencyNs, "probe gave no result") :
                outcome.withLatencyNs(latencyNs);
        }
        catch (final Throwable ex)
        {
            return ProbeResult.failure(System.nanoTime() - startNs, reason(ex, policy.timeoutMs()));
        }
    }

    /**
     * The time left until a deadline, for APIs that take milliseconds.
     *
     * @param deadlineNs the deadline on the {@link System#nanoTime()} clock.
     * @return at least 1 ms.
     * @throws SocketTimeoutException when the deadline has passed.
     */
    static int remainingMs(final long deadlineNs) throws SocketTimeoutException
    {
        final long remainingNs = deadlineNs - System.nanoTime();
        if (remainingNs <= 0)
        {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int)Math.max(1, Math.min(Integer.MAX_VALUE, (remainingNs + 999_999) / 1_000_000));
    }

    /**
     * A short human reason for an exception thrown by a check.
     *
     * @param failure   what was thrown.
     * @param timeoutMs the check's timeout, named in timeout reasons.
     * @return e.g. "connect refused", "timeout after 1000 ms".
     */
    static String reason(final Throwable failure, final int timeoutMs)
    {
        return switch (failure)
        {
            case SocketTimeoutException _, InterruptedByTimeoutException _ -> "timeout after " + timeoutMs + " ms";
            case PortUnreachableException _ -> "port unreachable (ICMP)";
            case final ConnectException ex -> isRefusal(ex) ? "connect refused" : "connect failed: " + text(ex);
            case NoRouteToHostException _ -> "no route to host";
            case ClosedByInterruptException _, InterruptedException _ -> "check cancelled";
            case final SSLException ex -> "TLS failed: " + text(ex);
            case final EOFException ex -> text(ex);
            case final IOException ex -> ex.getClass().getSimpleName() + ": " + text(ex);
            default -> "probe error " + failure.getClass().getSimpleName() + ": " + text(failure);
        };
    }

    private static boolean isRefusal(final ConnectException ex)
    {
        final String message = ex.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("refused");
    }

    private static String text(final Throwable failure)
    {
        final String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }
}
