package io.sluice.controlplane.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency of control operations (apply a configuration, add a service, set a weight, ...), one
 * HdrHistogram per operation, for the metrics' percentiles. Recording is thread-safe and wait-free
 * (an HdrHistogram {@link Recorder} per operation); reading ({@link #snapshot()}) moves what was
 * recorded into a cumulative histogram, so the percentiles cover every operation since this
 * recorder was made: control operations are rare, and a sliding window would be empty most of the
 * time. Values keep 3 significant digits (HdrHistogram's precision: within 0.1%).
 * <p>
 * Operation names become label values: use a small fixed set ({@code apply}, {@code add-service},
 * ...), never anything derived from a request.
 */
public final class ControlLatency
{
    /** The longest latency the percentiles tell apart: an hour; a longer one counts as an hour there (the sum keeps it exact). */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.HOURS.toNanos(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final ConcurrentMap<String, Operation> operations = new ConcurrentHashMap<>();

    /**
     * The latency figures of one operation.
     *
     * @param operation the operation's name.
     * @param count     how many were recorded.
     * @param sumNs     their exact total, nanoseconds.
     * @param p50Ns     median, nanoseconds.
     * @param p90Ns     90th percentile, nanoseconds.
     * @param p99Ns     99th percentile, nanoseconds.
     * @param maxNs     the longest, nanoseconds.
     */
    public record OperationLatency(String operation, long count, long sumNs, long p50Ns, long p90Ns, long p99Ns, long maxNs)
    {
    }

    /**
     * Records one operation's latency.
     *
     * @param operation the operation's name, e.g. {@code apply}.
     * @param nanos     how long it took.
     * @throws IllegalArgumentException when the name is blank or the duration negative.
     */
    public void record(final String operation, final long nanos)
    {
        if (operation == null || operation.isBlank())
        {
            throw new IllegalArgumentException("a control operation needs a name");
        }
        if (nanos < 0)
        {
            throw new IllegalArgumentException("latency of '" + operation + "' is negative: " + nanos + " ns");
        }
        operations.computeIfAbsent(operation, name -> new Operation()).record(nanos);
    }

    /**
     * Reads every operation recorded so far.
     *
     * @return one entry per operation, in name order.
     */
    public List<OperationLatency> snapshot()
    {
        final List<OperationLatency> latencies = new ArrayList<>();
        operations.forEach((name, operation) -> latencies.add(operation.read(name)));
        latencies.sort(Comparator.comparing(OperationLatency::operation));
        return latencies;
    }

    private static final class Operation
    {
        private final Recorder recorder = new Recorder(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
        private final Histogram total = new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
        private final LongAdder sumNs = new LongAdder();
        private Histogram interval;

        void record(final long nanos)
        {
            recorder.recordValue(Math.min(nanos, HIGHEST_TRACKABLE_NS));
            sumNs.add(nanos);
        }

        synchronized OperationLatency read(final String name)
        {
            interval = recorder.getIntervalHistogram(interval);
            total.add(interval);
            return new OperationLatency(name, total.getTotalCount(), sumNs.sum(), total.getValueAtPercentile(50),
                total.getValueAtPercentile(90), total.getValueAtPercentile(99), total.getMaxValue());
        }
    }
}
