package io.sluice.controlplane.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.sluice.dataplane.maglev.MaglevBackend;

/**
 * The weights of a {@code least-response-time} service, computed by the control plane from the
 * health checks' latencies (the dataplane only sees weights).
 * <p>
 * The weight in force of a backend that takes new flows is its configured weight scaled by how much
 * faster the fastest backend answers: {@code configured × scale × fastest / own}, rounded, at least
 * 1 (a slow backend still gets some flows), at most {@link MaglevBackend#MAX_WEIGHT}. Latencies are
 * the checks' moving averages ({@code HealthChecker.latencyNs}); the fastest is the lowest among the
 * service's backends that take new flows and have one; a backend without a latency yet counts as as
 * fast as the fastest. {@code scale} is a fixed-point resolution, {@link #RESOLUTION} (or less when
 * the configured weights are so large that it would overflow the dataplane's weight range), so that
 * backends of configured weight 1, the default, can still be told apart: with weights 1 and
 * latencies 1 ms and 4 ms the weights in force are 100 and 25. Only the ratios matter to weighted
 * Maglev.
 * <p>
 * Against churn (each new weight set rebuilds the service's Maglev table and moves some new flows),
 * new latencies are applied at most every {@link #REAPPLY_PERIOD_NS} and only when some weight in
 * force would change by more than {@link #SIGNIFICANT_CHANGE_PERCENT} percent of its value (or to or
 * from 0); otherwise the weights in force stay as they are, and so do the latencies they were
 * computed from. A health transition, a configuration change or a reload recomputes the weights
 * with the latencies last applied.
 */
public final class ResponseTimeWeights
{
    /** The fixed-point resolution of the weights in force: configured weight 1 at the fastest latency is 100. */
    public static final int RESOLUTION = 100;
    /** New latencies are applied at most this often. */
    public static final long REAPPLY_PERIOD_NS = TimeUnit.SECONDS.toNanos(5);
    /** New latencies are applied only when some weight in force changes by more than this share of it. */
    public static final int SIGNIFICANT_CHANGE_PERCENT = 10;

    private static final int SUMMARY_CHANGES = 3;

    private ResponseTimeWeights()
    {
    }

    /**
     * The resolution of a service's weights in force.
     *
     * @param maxConfiguredWeight the largest configured weight of its backends.
     * @return {@link #RESOLUTION}, or less so that the largest weight fits the dataplane's range; at least 1.
     */
    public static int scale(final int maxConfiguredWeight)
    {
        if (maxConfiguredWeight <= 0)
        {
            return RESOLUTION;
        }
        return Math.max(1, Math.min(RESOLUTION, MaglevBackend.MAX_WEIGHT / maxConfiguredWeight));
    }

    /**
     * The weight in force of one backend that takes new flows.
     *
     * @param configured its configured weight; 0 (drained) stays 0.
     * @param scale      the service's {@link #scale(int)}.
     * @param fastestNs  the lowest latency of the service's serving backends, or 0 or less when none has one.
     * @param ownNs      its own latency, or 0 or less when it has none yet.
     * @return {@code round(configured × scale × fastest / own)}, within 1..{@link MaglevBackend#MAX_WEIGHT}.
     */
    public static int weight(final int configured, final int scale, final long fastestNs, final long ownNs)
    {
        if (configured <= 0)
        {
            return 0;
        }
        final long full = (long)configured * scale;
        if (fastestNs <= 0 || ownNs <= 0 || ownNs <= fastestNs)
        {
            return (int)Math.min(full, MaglevBackend.MAX_WEIGHT);
        }
        final long scaled = Math.round((double)full * fastestNs / ownNs);
        return (int)Math.max(1, Math.min(scaled, MaglevBackend.MAX_WEIGHT));
    }

    /**
     * Whether one weight in force moves enough to be applied.
     *
     * @param before the weight in force.
     * @param after  the weight new latencies give.
     * @return true when they differ by more than {@link #SIGNIFICANT_CHANGE_PERCENT} percent of {@code before}, or
     *         one of them is 0 and the other not.
     */
    public static boolean significant(final int before, final int after)
    {
        if (before == after)
        {
            return false;
        }
        if (before == 0 || after == 0)
        {
            return true;
        }
        return Math.abs((long)after - before) * 100 > (long)SIGNIFICANT_CHANGE_PERCENT * before;
    }

    /**
     * Whether new weights in force differ enough from the current ones to be applied.
     *
     * @param before the weights in force.
     * @param after  the weights new latencies give.
     * @return true when some backend's weight is {@link #significant(int, int)}ly different (a backend absent from
     *         {@code before} counts as weight 0 there).
     */
    public static boolean significant(final Map<BackendRef, Integer> before, final Map<BackendRef, Integer> after)
    {
        for (final Map.Entry<BackendRef, Integer> entry : after.entrySet())
        {
            if (significant(before.getOrDefault(entry.getKey(), 0), entry.getValue()))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The weights that new latencies change, in one line, for the generation's summary.
     *
     * @param before the weights in force.
     * @param after  the weights the new latencies give.
     * @return e.g. {@code least-response-time: backend 127.0.0.2 of 192.0.2.10:80/tcp: weight 100 -> 40}.
     */
    static String summary(final Map<BackendRef, Integer> before, final Map<BackendRef, Integer> after)
    {
        final Map<String, String> changed = new TreeMap<>();
        for (final Map.Entry<BackendRef, Integer> entry : after.entrySet())
        {
            final int old = before.getOrDefault(entry.getKey(), 0);
            if (old != entry.getValue())
            {
                changed.put(entry.getKey().toString(), "weight " + old + " -> " + entry.getValue());
            }
        }
        final List<String> shown = new ArrayList<>();
        for (final Map.Entry<String, String> entry : changed.entrySet())
        {
            if (shown.size() == SUMMARY_CHANGES)
            {
                shown.add("and " + (changed.size() - SUMMARY_CHANGES) + " more");
                break;
            }
            shown.add(entry.getKey() + ": " + entry.getValue());
        }
        return "least-response-time: " + String.join("; ", shown);
    }
}
