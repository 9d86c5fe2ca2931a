package io.sluice.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code dpdk-testpmd --stats-period 1} printed for one port: its per-second throughput
 * ({@code Tx-pps}, the frames forwarded in {@code io} mode, computed by testpmd from its own clock
 * over the period since the last display) and the loss counters of its last display.
 *
 * @param txPps      each display's {@code Tx-pps}, in order; the first is 0 (no earlier display).
 * @param rxNombuf   {@code RX-nombuf} of the last display.
 * @param rxMissed   {@code RX-missed} of the last display.
 * @param txErrors   {@code TX-errors} of the last display.
 */
public record TestpmdStats(List<Long> txPps, long rxNombuf, long rxMissed, long txErrors)
{
    private static final Pattern TX_PPS = Pattern.compile("Tx-pps:\\s+(\\d+)");
    private static final Pattern RX_NOMBUF = Pattern.compile("RX-nombuf:\\s+(\\d+)");
    private static final Pattern RX_MISSED = Pattern.compile("RX-missed:\\s+(\\d+)");
    private static final Pattern TX_ERRORS = Pattern.compile("TX-errors:\\s+(\\d+)");

    /**
     * Copies the list.
     */
    public TestpmdStats
    {
        txPps = List.copyOf(txPps);
    }

    /**
     * Parses testpmd's output.
     *
     * @param log everything testpmd printed.
     * @return its displays' figures (none when it printed none).
     */
    public static TestpmdStats parse(final String log)
    {
        final List<Long> pps = new ArrayList<>();
        final Matcher tx = TX_PPS.matcher(log);
        while (tx.find())
        {
            pps.add(Long.parseLong(tx.group(1)));
        }
        return new TestpmdStats(pps, last(RX_NOMBUF, log), last(RX_MISSED, log), last(TX_ERRORS, log));
    }

    private static long last(final Pattern pattern, final String log)
    {
        final Matcher matcher = pattern.matcher(log);
        long value = 0;
        while (matcher.find())
        {
            value = Long.parseLong(matcher.group(1));
        }
        return value;
    }

    /**
     * The mean rate of a window of displays.
     *
     * @param skip    displays to leave out first: the first (always 0) and the warm-up's.
     * @param samples displays in the window.
     * @return the mean {@code Tx-pps} of displays {@code skip} to {@code skip + samples - 1}, in millions.
     * @throws IllegalArgumentException when testpmd printed fewer displays.
     */
    public double windowMpps(final int skip, final int samples)
    {
        if (samples < 1 || txPps.size() < skip + samples)
        {
            throw new IllegalArgumentException("testpmd printed " + txPps.size() + " displays, " + (skip + samples) + " needed");
        }
        long sum = 0;
        for (int i = skip; i < skip + samples; i++)
        {
            sum += txPps.get(i);
        }
        return sum / (double)samples / 1e6;
    }
}
