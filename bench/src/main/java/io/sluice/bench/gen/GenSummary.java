package io.sluice.bench.gen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * What a run measured, after the polling thread has stopped: as text for people
 * ({@link #text()}) and as one JSON object for machines ({@link #json()}).
 *
 * @param txPackets       packets sent after the warm-up.
 * @param rxPackets       of those, received back (decoded, stamped).
 * @param txBytes         bytes sent after the warm-up, without FCS.
 * @param rxBytes         bytes of those received back, as received.
 * @param sendNs          how long the measured sending lasted.
 * @param newFlows        packets that opened a brand-new 5-tuple.
 * @param latency         the latencies of the packets received back, in ns.
 * @param backends        packets per backend, most first.
 * @param drops           named counts of what went wrong (tx refused, no mbuf, undecodable by reason...), only non-zero ones.
 * @param mbufsInUseAtEnd mbufs not in the pool when the loop stopped (held by the ports' rings or leaked).
 * @param mbufsLeaked     mbufs not in the pool once the ports are closed: 0 unless the generator leaks.
 */
record GenSummary(
    long txPackets, long rxPackets, long txBytes, long rxBytes, long sendNs, long newFlows, Histogram latency,
    List<BackendTable.Count> backends, Map<String, Long> drops, int mbufsInUseAtEnd, int mbufsLeaked)
{
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};
    private static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99.9"};
    private static final double NS_PER_US = 1000.0;

    /**
     * Collects a stopped loop's figures.
     *
     * @param loop            the loop, stopped.
     * @param latency         every measured latency (the intervals taken from the loop's recorder, added up).
     * @param macNames        names of backends by MAC.
     * @param mbufsInUseAtEnd mbufs out of the pool when the loop stopped.
     * @param mbufsLeaked     mbufs out of the pool after the ports closed.
     * @return the summary.
     */
    static GenSummary of(
        final TrafficLoop loop, final Histogram latency, final Map<Long, String> macNames, final int mbufsInUseAtEnd,
        final int mbufsLeaked)
    {
        final GenCounters counters = loop.counters();
        final Map<String, Long> drops = new LinkedHashMap<>();
        putNonZero(drops, "tx-refused", counters.get(GenCounters.TX_REFUSED));
        putNonZero(drops, "tx-bursts-without-mbufs", counters.get(GenCounters.TX_NO_MBUF));
        for (int reason = 1; reason < OutputDecoder.REASONS.length; reason++)
        {
            putNonZero(drops, "rx-" + OutputDecoder.REASONS[reason], counters.get(GenCounters.RX_UNDECODABLE + reason));
        }
        putNonZero(drops, "latency-above-range", counters.get(GenCounters.LATENCY_CLAMPED));
        putNonZero(drops, "latency-negative", counters.get(GenCounters.LATENCY_NEGATIVE));
        putNonZero(drops, "backends-beyond-maximum", counters.get(GenCounters.BACKENDS_OVERFLOW));
        putNonZero(drops, "new-flow-tuples-reused", counters.get(GenCounters.TUPLES_REUSED));
        return new GenSummary(counters.get(GenCounters.TX_PACKETS), counters.get(GenCounters.RX_PACKETS),
            counters.get(GenCounters.TX_BYTES), counters.get(GenCounters.RX_BYTES), loop.measuredSendNs(),
            counters.get(GenCounters.TX_NEW_FLOWS), latency, loop.backends().counts(macNames), drops, mbufsInUseAtEnd, mbufsLeaked);
    }

    /**
     * @return packets sent and not received back.
     */
    long lost()
    {
        return txPackets - rxPackets;
    }

    /**
     * @return lost packets as a percentage of those sent, 0 when none were sent.
     */
    double lossPercent()
    {
        return txPackets == 0 ? 0 : 100.0 * lost() / txPackets;
    }

    /**
     * @param packets a packet count over the measured sending time.
     * @return millions of packets per second.
     */
    double mpps(final long packets)
    {
        return sendNs <= 0 ? 0 : packets * 1000.0 / sendNs;
    }

    /**
     * The summary for people, several lines.
     *
     * @return the text.
     */
    String text()
    {
        final StringBuilder text = new StringBuilder();
        line(text, "sent      %,d packets in %.3f s: %.3f Mpps, %.3f Gbit/s (%,d opened a new flow)",
            txPackets, sendNs / 1e9, mpps(txPackets), txBytes * 8.0 / Math.max(1, sendNs), newFlows);
        line(text, "received  %,d packets: %.3f Mpps", rxPackets, mpps(rxPackets));
        line(text, "lost      %,d packets (%.4f%%)", lost(), lossPercent());
        if (latency.getTotalCount() > 0)
        {
            final StringBuilder percentiles = new StringBuilder();
            for (int i = 0; i < PERCENTILES.length; i++)
            {
                percentiles.append(String.format(Locale.ROOT, "%s %.1f  ", PERCENTILE_NAMES[i],
                    latency.getValueAtPercentile(PERCENTILES[i]) / NS_PER_US));
            }
            line(text, "latency   µs: %smax %.1f  mean %.1f  (%,d packets)", percentiles, latency.getMaxValue() / NS_PER_US,
                latency.getMean() / NS_PER_US, latency.getTotalCount());
        }
        line(text, "backends  %d", backends.size());
        for (final BackendTable.Count backend : backends)
        {
            line(text, "  %-40s %,14d  %6.2f%%", backend.name(), backend.packets(), share(backend.packets()));
        }
        text.append(drops.isEmpty() ? "drops     none\n" : "drops\n");
        drops.forEach((name, value) -> line(text, "  %-40s %,14d", name, value));
        line(text, "mbufs     %d in use when the loop stopped, %d after the ports closed (leaked)", mbufsInUseAtEnd, mbufsLeaked);
        return text.toString();
    }

    /**
     * The summary as one JSON object on one line; times in ns and µs, rates in Mpps.
     *
     * @return the JSON text.
     */
    String json()
    {
        final List<String> fields = new ArrayList<>();
        fields.add(field("txPackets", txPackets));
        fields.add(field("rxPackets", rxPackets));
        fields.add(field("lostPackets", lost()));
        fields.add(field("lossPercent", lossPercent()));
        fields.add(field("txBytes", txBytes));
        fields.add(field("rxBytes", rxBytes));
        fields.add(field("sendNs", sendNs));
        fields.add(field("txMpps", mpps(txPackets)));
        fields.add(field("rxMpps", mpps(rxPackets)));
        fields.add(field("newFlows", newFlows));
        final List<String> latencyFields = new ArrayList<>();
        latencyFields.add(field("count", latency.getTotalCount()));
        for (int i = 0; i < PERCENTILES.length; i++)
        {
            latencyFields.add(field(PERCENTILE_NAMES[i], latency.getTotalCount() == 0 ? 0 :
                latency.getValueAtPercentile(PERCENTILES[i]) / NS_PER_US));
        }
        latencyFields.add(field("max", latency.getMaxValue() / NS_PER_US));
        latencyFields.add(field("mean", latency.getTotalCount() == 0 ? 0 : latency.getMean() / NS_PER_US));
        fields.add(quote("latencyUs") + ":{" + String.join(",", latencyFields) + "}");
        final List<String> backendObjects = new ArrayList<>();
        for (final BackendTable.Count backend : backends)
        {
            backendObjects.add("{" + quote("name") + ":" + quote(backend.name()) + "," + field("packets", backend.packets()) + "," +
                field("share", share(backend.packets()) / 100) + "}");
        }
        fields.add(quote("backends") + ":[" + String.join(",", backendObjects) + "]");
        final List<String> dropFields = new ArrayList<>();
        drops.forEach((name, value) -> dropFields.add(field(name, value)));
        fields.add(quote("drops") + ":{" + String.join(",", dropFields) + "}");
        fields.add(field("mbufsInUseAtEnd", mbufsInUseAtEnd));
        fields.add(field("mbufsLeaked", mbufsLeaked));
        return "{" + String.join(",", fields) + "}";
    }

    private double share(final long packets)
    {
        return rxPackets == 0 ? 0 : 100.0 * packets / rxPackets;
    }

    private static void putNonZero(final Map<String, Long> drops, final String name, final long value)
    {
        if (value != 0)
        {
            drops.put(name, value);
        }
    }

    private static void line(final StringBuilder text, final String format, final Object... args)
    {
        text.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private static String field(final String name, final long value)
    {
        return quote(name) + ":" + value;
    }

    private static String field(final String name, final double value)
    {
        return quote(name) + ":" + (Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "null");
    }

    private static String quote(final String text)
    {
        final StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                quoted.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
            }
            else
            {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
