package io.sluice.dataplane.neighbour;

/**
 * The neighbour subsystem's counters, published by the control thread in the stats file with
 * {@code StatsFile.NEIGHBOUR_COUNTER_TYPE}, key [-1, ordinal], label {@code "neighbours " + label}.
 * Gauges say how many entries are in a state now; the others only grow.
 */
public enum NeighbourCounter
{
    /** Entries in use whose MAC is confirmed or being refreshed (reachable or probe). */
    RESOLVED("resolved", true),
    /** Entries in use never answered: packets to them are dropped (neighbour-unresolved). */
    INCOMPLETE("incomplete", true),
    /** Entries in use whose refresh went unanswered; the old MAC stays in use, requests back off. */
    STALE("stale", true),
    /** Configured entries, never asked for. */
    STATIC("static", true),
    /** Slots of addresses no configuration uses, held until no worker runs one that used them. */
    RETIRED("retired", true),
    /** Slots of the table. */
    CAPACITY("capacity", true),
    /** ARP requests and neighbour solicitations handed to the inject ring. */
    REQUESTS_SENT("requests-sent", false),
    /** Requests that were due but waited for the rate cap (each due request counted once). */
    REQUESTS_SUPPRESSED("requests-suppressed", false),
    /** Requests that found the inject ring full, or neighbour solicitations with no IPv6 source address. */
    REQUESTS_FAILED("requests-failed", false),
    /** Entries learned or confirmed from the wire. */
    LEARNED("learned", false),
    /** Slots freed for other addresses. */
    RECLAIMED("reclaimed", false);

    private static final NeighbourCounter[] VALUES = values();
    private final String label;
    private final boolean gauge;

    NeighbourCounter(final String label, final boolean gauge)
    {
        this.label = label;
        this.gauge = gauge;
    }

    /** @return the short label, e.g. {@code requests-sent}. */
    public String label()
    {
        return label;
    }

    /** @return true for a value that goes up and down, false for one that only grows. */
    public boolean gauge()
    {
        return gauge;
    }

    /** @return the number of counters. */
    public static int count()
    {
        return VALUES.length;
    }

    /**
     * @param ordinal a counter's ordinal.
     * @return the counter, or null when the ordinal is out of range (a newer file).
     */
    public static NeighbourCounter of(final int ordinal)
    {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[ordinal] : null;
    }
}
