package io.sluice.dataplane.service;

/**
 * How a {@link ForwardingMode#FULLNAT} service tells its backends who the client was: full NAT
 * replaces the source address with one of the LB's, so the client's address has to travel in the
 * packet itself. The carrier depends on the protocol:
 * <pre>
 *   none      nothing added (the default; every mode)
 *   toa       TCP: the TOA option (kind, length, client port, client address) in every segment to the
 *             backend that has room; a kernel module on the backend (DPVS's, Alibaba's toa) reads it
 *   proxy-v2  UDP: a PROXY protocol v2 header in front of every datagram's payload; the server reads it
 * </pre>
 * PROXY v2 is not offered for TCP: its header sits in the byte stream, so every later sequence and
 * acknowledgement number of the flow would have to be shifted both ways, state that every packet
 * touches and that a failover would have to carry.
 */
public enum ClientAddress
{
    /** Nothing is added. */
    NONE("none"),
    /** The TOA TCP option in the client's segments (TCP services). */
    TOA("toa"),
    /** A PROXY protocol v2 header in front of each datagram (UDP services). */
    PROXY_V2("proxy-v2");

    private final String configName;

    ClientAddress(final String configName)
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
     * @param text {@code none}, {@code toa} or {@code proxy-v2}.
     * @return the carrier.
     * @throws IllegalArgumentException for anything else.
     */
    public static ClientAddress parse(final String text)
    {
        for (final ClientAddress value : values())
        {
            if (value.configName.equals(text))
            {
                return value;
            }
        }
        throw new IllegalArgumentException("not a client address carrier: " + text);
    }
}
