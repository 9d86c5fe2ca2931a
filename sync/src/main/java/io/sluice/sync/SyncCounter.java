package io.sluice.sync;

/** What {@link SyncAgent} counts. Received messages are counted by verdict by the reader, flows applied by {@link ReplicaApplier}. */
public enum SyncCounter
{
    /** Events drained from the workers' flow-event rings. */
    EVENTS_DRAINED,
    /** Events of a type this agent does not know (none from a worker of this version). */
    EVENTS_UNKNOWN,
    /** Flows of events (new, re-pin, close) put in a batch. */
    EVENT_FLOWS_SENT,
    /** Flows of bulk transfers put in a batch. */
    BULK_FLOWS_SENT,
    /** Flows of refresh walks put in a batch. */
    REFRESH_FLOWS_SENT,
    /** Flow batches sent. */
    BATCHES_SENT,
    /** Messages no peer took (not connected, or refused for good): their flows reach peers with the next bulk transfer. */
    MESSAGES_UNSENT,
    /** Messages refused for back pressure and kept to be offered again (each time it happens). */
    SENDS_DEFERRED,
    /** Hellos sent. */
    HELLOS_SENT,
    /** Hellos received. */
    HELLOS_RECEIVED,
    /** Peers seen for the first time. */
    PEERS_SEEN,
    /** Peers seen again with a newer epoch (they restarted). */
    PEER_RESTARTS,
    /** Bulk transfers started (to a peer that started, restarted, or asked). */
    BULKS_STARTED,
    /** Bulk transfers completed (a BulkEnd sent). */
    BULKS_COMPLETED,
    /** Bulk transfers received complete from a peer. */
    BULKS_RECEIVED,
    /** Bulk transfers sent again because the peer still asked for one well after its BulkEnd went out. */
    BULKS_RETRIED,
    /** Bulk transfers whose BulkEnd arrived with fewer flows than it announced: asked for again. */
    BULKS_INCOMPLETE,
    /** Refresh walks started. */
    REFRESHES_STARTED,
    /** Flows received from peers (accepted messages). */
    FLOWS_RECEIVED,
    /** Cycles that stopped reading peers' messages because a worker's command ring had no room for a batch. */
    RECEIVE_PAUSES,
    /**
     * A full-NAT flow's reverse entry ({@code FlowRecord.FLAG_NAT_REVERSE}) in a worker's events or dump:
     * not sent (a flow travels in its forward form only, and the receiver derives the reverse entry), so
     * 0 unless a worker hands one on.
     */
    NAT_REVERSE_SKIPPED
}
