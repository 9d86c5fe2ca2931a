package io.sluice.controlplane.metrics;

import java.util.Locale;

import io.sluice.controlplane.AddressText;
import io.sluice.dataplane.service.IpAddress;

/**
 * What identifies a service: its VIP, port and IP protocol, as the stats file names it
 * ({@code 192.0.2.10:80/tcp}, {@code [2001:db8:0:0:0:0:0:10]:53/udp}, the form of
 * {@code ServiceSpec.name()}).
 *
 * @param vip      the virtual IP address.
 * @param port     the service port, 0..65535.
 * @param protocol the IP protocol number (6 TCP, 17 UDP).
 */
public record ServiceKey(IpAddress vip, int port, int protocol)
{
    private static final int TCP = 6;
    private static final int UDP = 17;

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException when the VIP is missing, the port or the protocol out of range.
     */
    public ServiceKey
    {
        if (vip == null)
        {
            throw new IllegalArgumentException("a service key needs a VIP");
        }
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("service port " + port + " is not 0..65535");
        }
        if (protocol < 0 || protocol > 255)
        {
            throw new IllegalArgumentException("IP protocol " + protocol + " is not 0..255");
        }
    }

    /**
     * Parses a service name as the dataplane writes it in the stats file.
     *
     * @param name e.g. {@code 192.0.2.10:80/tcp} or {@code [2001:db8::10]:53/udp}.
     * @return the key.
     * @throws IllegalArgumentException naming the text when it is not {@code ADDRESS:PORT/PROTOCOL}.
     */
    public static ServiceKey parse(final String name)
    {
        final int slash = name == null ? -1 : name.lastIndexOf('/');
        final int colon = slash < 0 ? -1 : name.lastIndexOf(':', slash);
        if (colon <= 0)
        {
            throw new IllegalArgumentException("'" + name + "' is not a service name of the form ADDRESS:PORT/PROTOCOL");
        }
        String address = name.substring(0, colon);
        if (address.startsWith("[") && address.endsWith("]"))
        {
            address = address.substring(1, address.length() - 1);
        }
        try
        {
            return new ServiceKey(IpAddress.parse(address), Integer.parseInt(name.substring(colon + 1, slash)),
                protocolNumber(name.substring(slash + 1)));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + name + "' is not a service name of the form ADDRESS:PORT/PROTOCOL", ex);
        }
    }

    private static int protocolNumber(final String text)
    {
        return switch (text.toLowerCase(Locale.ROOT))
        {
            case "tcp" -> TCP;
            case "udp" -> UDP;
            default -> Integer.parseInt(text);
        };
    }

    /** @return the VIP in its short text form ({@code 2001:db8::10}, {@code 192.0.2.10}). */
    public String vipText()
    {
        return AddressText.format(vip);
    }

    /** @return {@code tcp}, {@code udp}, or the protocol number for others. */
    public String protocolName()
    {
        return protocol == TCP ? "tcp" : protocol == UDP ? "udp" : Integer.toString(protocol);
    }
}
