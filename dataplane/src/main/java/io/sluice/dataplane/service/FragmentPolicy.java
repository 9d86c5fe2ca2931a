package io.sluice.dataplane.service;

/**
 * What a service does with IP fragments (IPv4 with MF or an offset, IPv6 with a fragment header):
 * a fragment after the first carries no ports, so it cannot be matched to a flow by its 5-tuple.
 */
public enum FragmentPolicy
{
    /** Every fragment is dropped, counted as {@code fragment}: the default, as in Katran. */
    DROP("drop"),
    /**
     * Every packet of the service, whole or fragment, is hashed by addresses and protocol only
     * (ports 0), so all fragments of a datagram, and every flow of a client address, reach one backend.
     */
    L3("l3");

    private final String configName;

    FragmentPolicy(final String configName)
    {
        this.configName = configName;
    }

    /** @return the name the configuration file and the API use. */
    public String configName()
    {
        return configName;
    }

    /**
     * Parses a configuration name.
     *
     * @param text {@code drop} or {@code l3}.
     * @return the policy.
     * @throws IllegalArgumentException for anything else.
     */
    public static FragmentPolicy parse(final String text)
    {
        for (final FragmentPolicy policy : values())
        {
            if (policy.configName.equals(text))
            {
                return policy;
            }
        }
        throw new IllegalArgumentException("not a fragment policy: " + text);
    }
}
