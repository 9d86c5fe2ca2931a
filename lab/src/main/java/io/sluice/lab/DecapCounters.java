package io.sluice.lab;

import java.util.HashMap;
import java.util.Map;

/**
 * The counters of a backend's tc-BPF decapsulator ({@code lab/bpf/decap.bpf.c}, map
 * {@code decap_stats}) since it was attached, as {@code lab.sh counters} prints them:
 * {@code be1 decapsulated=3 ipip=1 gue_v0=2 gue_v1=0 outer_ipv4=3 ...}.
 * <p>
 * Every decapsulated packet counts once in {@code decapsulated}, once in one of {@code ipip},
 * {@code gueV0}, {@code gueV1}, once per outer family and once per inner family.
 *
 * @param decapsulated packets delivered to the backend's stack as their inner packet.
 * @param ipip         of which IP in IP (4in4, 6in6, 6in4, 4in6).
 * @param gueV0        of which GUE variant 0 (4-byte header, Proto 4 or 41).
 * @param gueV1        of which GUE variant 1 (IP directly in UDP).
 * @param outerIpv4    of which had an outer IPv4 header.
 * @param outerIpv6    of which had an outer IPv6 header.
 * @param innerIpv4    of which carried IPv4.
 * @param innerIpv6    of which carried IPv6.
 * @param ignored      tunnel packets for the backend left untouched: GUE control messages, unknown
 *                     GUE protocols, outer fragments, inner version not the announced one.
 * @param failed       packets the kernel refused to shrink, dropped.
 */
public record DecapCounters(
    long decapsulated, long ipip, long gueV0, long gueV1, long outerIpv4, long outerIpv6, long innerIpv4,
    long innerIpv6, long ignored, long failed)
{
    /**
     * Parses one line of {@code lab.sh counters}.
     *
     * @param line {@code NAME key=value ...} with every counter of the program.
     * @return the counters.
     * @throws IllegalArgumentException when the line lacks a counter or is not of that form
     *                                  (e.g. {@code be1 decap=not-attached}).
     */
    public static DecapCounters parse(final String line)
    {
        final String[] words = line.strip().split("\\s+");
        final Map<String, Long> values = new HashMap<>();
        for (int i = 1; i < words.length; i++)
        {
            final int equals = words[i].indexOf('=');
            if (equals < 1)
            {
                throw new IllegalArgumentException("not a decap counter line (NAME key=value ...): '" + line + "'");
            }
            try
            {
                values.put(words[i].substring(0, equals), Long.parseLong(words[i].substring(equals + 1)));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("not a decap counter line: '" + line + "' (" + words[i] + ")", ex);
            }
        }
        return new DecapCounters(value(values, "decapsulated", line), value(values, "ipip", line),
            value(values, "gue_v0", line), value(values, "gue_v1", line), value(values, "outer_ipv4", line),
            value(values, "outer_ipv6", line), value(values, "inner_ipv4", line), value(values, "inner_ipv6", line),
            value(values, "ignored", line), value(values, "failed", line));
    }

    private static long value(final Map<String, Long> values, final String key, final String line)
    {
        final Long value = values.get(key);
        if (value == null)
        {
            throw new IllegalArgumentException("decap counter line without " + key + ": '" + line + "'");
        }
        return value;
    }

    /**
     * What changed since an earlier reading.
     *
     * @param earlier counters read before.
     * @return this minus {@code earlier}, counter by counter.
     */
    public DecapCounters minus(final DecapCounters earlier)
    {
        return new DecapCounters(decapsulated - earlier.decapsulated, ipip - earlier.ipip, gueV0 - earlier.gueV0,
            gueV1 - earlier.gueV1, outerIpv4 - earlier.outerIpv4, outerIpv6 - earlier.outerIpv6,
            innerIpv4 - earlier.innerIpv4, innerIpv6 - earlier.innerIpv6, ignored - earlier.ignored,
            failed - earlier.failed);
    }
}
