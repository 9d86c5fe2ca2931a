package io.sluice.controlplane.stat;

/**
 * The high-availability figures the daemon publishes into the stats file (counters of type
 * {@link #TYPE}, key [-1, ordinal]) so that {@code sluice stat} shows them without the API: the
 * role and the VRRP figures when VRRP runs, the flow-sync figures when sync runs. The control plane
 * allocates them before the dataplane starts and refreshes them about once a second.
 */
public enum HaCounter
{
    /** The role, as {@link #role(long)} names it. */
    ROLE("role", false),
    /** Virtual routers in Master. */
    VRRP_MASTERS("masters", false),
    /** Virtual routers in Backup. */
    VRRP_BACKUPS("backups", false),
    /** Transitions of all virtual routers. */
    VRRP_TRANSITIONS("transitions", false),
    /** Adverts sent. */
    VRRP_ADVERTS_SENT("adverts-sent", false),
    /** Adverts accepted. */
    VRRP_ACCEPTED("adverts-accepted", false),
    /** Received frames discarded, for any reason. */
    VRRP_DISCARDED("discarded", false),
    /** Flows sent to peers (event, bulk, refresh). */
    SYNC_FLOWS_SENT("flows-sent", true),
    /** Flows received in accepted messages. */
    SYNC_FLOWS_RECEIVED("flows-received", true),
    /** Peers' flows queued to a worker. */
    SYNC_FLOWS_APPLIED("flows-applied", true),
    /** Peers' flows refused (service or backend unknown, not to the VIP, ring full). */
    SYNC_FLOWS_REJECTED("flows-rejected", true),
    /** Messages from peers refused (bad MAC, replayed, stale epoch, ...). */
    SYNC_MESSAGES_REJECTED("messages-rejected", true),
    /** 1 while a bulk transfer to a peer runs. */
    SYNC_BULK_IN_PROGRESS("bulk-in-progress", true),
    /** Replication lag, 99th percentile over the last window, in microseconds. */
    SYNC_LAG_P99_US("lag-p99-us", true),
    /** Replication lag, longest over the last window, in microseconds. */
    SYNC_LAG_MAX_US("lag-max-us", true);

    /** The counter type of these figures in the stats file (the control plane's, beside the dataplane's types). */
    public static final int TYPE = 0x51E0;

    private static final HaCounter[] VALUES = values();
    private static final String[] ROLES = {"standalone", "active", "master", "backup", "mixed", "initialize"};

    private final String label;
    private final boolean sync;

    HaCounter(final String label, final boolean sync)
    {
        this.label = label;
        this.sync = sync;
    }

    /** @return the name {@code sluice stat} prints, e.g. {@code flows-sent}. */
    public String label()
    {
        return label;
    }

    /** @return true for a flow-sync figure, false for the role and the VRRP figures. */
    public boolean sync()
    {
        return sync;
    }

    /**
     * @param ordinal an ordinal read from the file.
     * @return its counter, or null for one this version does not know.
     */
    public static HaCounter of(final int ordinal)
    {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[ordinal] : null;
    }

    /**
     * The name of a role value, in the order of the HA roles of the model and the API.
     *
     * @param value the value of {@link #ROLE}.
     * @return e.g. {@code master}, or {@code unknown} for a value this version does not know.
     */
    public static String role(final long value)
    {
        return value >= 0 && value < ROLES.length ? ROLES[(int)value] : "unknown";
    }
}
