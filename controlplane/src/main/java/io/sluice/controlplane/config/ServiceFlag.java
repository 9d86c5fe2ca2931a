package io.sluice.controlplane.config;

import io.sluice.dataplane.service.TextExcerpt;
/**
 * Per-service switches. The names are those of the configuration file and the CLI.
 */
public enum ServiceFlag
{
    /** Flows of a backend that goes DOWN are not kept pinned to it: they pick a backend again. */
    RESET_ON_DOWN("reset-on-down"),
    /** One-packet scheduling, UDP services only: every packet is scheduled alone, no flow state. */
    OPS("ops");

    /** What a valid flag looks like, for messages. */
    public static final String FORM = "one of reset-on-down, ops";

    private final String configName;

    ServiceFlag(final String configName)
    {
        this.configName = configName;
    }

    /**
     * The name in the configuration file.
     *
     * @return e.g. {@code reset-on-down}.
     */
    public String configName()
    {
        return configName;
    }

    /**
     * The flag with a configuration name.
     *
     * @param name e.g. {@code ops}.
     * @return the flag.
     * @throws IllegalArgumentException naming the text when no flag has that name.
     */
    public static ServiceFlag parse(final String name)
    {
        for (final ServiceFlag flag : values())
        {
            if (flag.configName.equals(name))
            {
                return flag;
            }
        }
        throw new IllegalArgumentException(TextExcerpt.quoted(name) + " is not a flag: " + FORM);
    }
}
