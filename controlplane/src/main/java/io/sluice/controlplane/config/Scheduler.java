package io.sluice.controlplane.config;

import io.sluice.dataplane.service.TextExcerpt;
/**
 * How a service picks the backend of a new flow (established flows stay pinned by the flow table).
 * The names are those of the configuration file and the CLI.
 */
public enum Scheduler
{
    /** Maglev consistent hashing of the 5-tuple, every backend with a weight above 0 counting once. */
    MAGLEV("maglev"),
    /** Maglev with shares proportional to the weights: the default, so that configured weights count. */
    WEIGHTED_MAGLEV("weighted-maglev"),
    /** Maglev over the client address only: a client keeps its backend across connections. */
    SOURCE_HASH("source-hash"),
    /** The backend with the fewest active flows. */
    LEAST_CONN("least-conn"),
    /** Round robin in proportion to the weights. */
    WEIGHTED_ROUND_ROBIN("weighted-round-robin"),
    /** Backends weighted by their measured health-check latency. */
    LEAST_RESPONSE_TIME("least-response-time");

    /** The scheduler of a service that names none. */
    public static final Scheduler DEFAULT = WEIGHTED_MAGLEV;

    /** What a valid scheduler name looks like, for messages. */
    public static final String FORM =
        "one of maglev, weighted-maglev, source-hash, least-conn, weighted-round-robin, least-response-time";

    private final String configName;

    Scheduler(final String configName)
    {
        this.configName = configName;
    }

    /**
     * The name in the configuration file.
     *
     * @return e.g. {@code weighted-maglev}.
     */
    public String configName()
    {
        return configName;
    }

    /**
     * Whether the backend of a new flow depends only on the flow (consistent hashing), so that two
     * load balancers with the same backends pick the same one without sharing state.
     *
     * @return true for the Maglev schedulers and source hashing.
     */
    public boolean isConsistentHash()
    {
        return this == MAGLEV || this == WEIGHTED_MAGLEV || this == SOURCE_HASH;
    }

    /**
     * The scheduler with a configuration name.
     *
     * @param name e.g. {@code least-conn}.
     * @return the scheduler.
     * @throws IllegalArgumentException naming the text when no scheduler has that name.
     */
    public static Scheduler parse(final String name)
    {
        for (final Scheduler scheduler : values())
        {
            if (scheduler.configName.equals(name))
            {
                return scheduler;
            }
        }
        throw new IllegalArgumentException(TextExcerpt.quoted(name) + " is not a scheduler: " + FORM);
    }
}
