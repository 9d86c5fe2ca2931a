package io.sluice.controlplane.model;

import java.util.Locale;

import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.text.AddressText;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.TextExcerpt;

/**
 * The identity of a service: VIP, port and protocol. No two services of a configuration share one.
 * The one key of a service in the control plane: the model, the API, the health checks (by
 * {@link #name()}) and the metrics (by {@link #parse(String)} of the stats file's service names).
 *
 * @param vip      the virtual address.
 * @param port     the VIP port, 0..65535 (a configured service has 1..65535).
 * @param protocol IP protocol number, 0..255 (a configured service has 6, tcp, or 17, udp).
 */
public record ServiceKey(IpAddress vip, int port, int protocol)
{
    /** IP protocol number of TCP. */
    public static final int TCP = 6;
    /** IP protocol number of UDP. */
    public static final int UDP = 17;

    private static final String NAME_FORM = "a service name of the form ADDRESS:PORT/PROTOCOL";

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
     * The key of a configured service.
     *
     * @param service the service.
     * @return its key.
     */
    public static ServiceKey of(final ServiceSection service)
    {
        return new ServiceKey(service.vip(), service.port(), service.protocol());
    }

    /**
     * Parses a service name, as {@link #name()} writes it or as the dataplane writes it in the stats
     * file (IPv6 in its long form there).
     *
     * @param name e.g. {@code 192.0.2.10:80/tcp}, {@code [2001:db8::10]:53/udp} or {@code [2001:db8:0:0:0:0:0:10]:53/udp}.
     * @return the key.
     * @throws IllegalArgumentException naming the text when it is not {@code ADDRESS:PORT/PROTOCOL}.
     */
    public static ServiceKey parse(final String name)
    {
        final int slash = name == null ? -1 : name.lastIndexOf('/');
        final int colon = slash < 0 ? -1 : name.lastIndexOf(':', slash);
        if (colon <= 0)
        {
            throw new IllegalArgumentException(TextExcerpt.quoted(name) + " is not " + NAME_FORM);
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
            throw new IllegalArgumentException(TextExcerpt.quoted(name) + " is not " + NAME_FORM, ex);
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

    /**
     * Whether a service has this key.
     *
     * @param service the service.
     * @return true when its VIP, port and protocol are this key's.
     */
    public boolean matches(final ServiceSection service)
    {
        return vip.equals(service.vip()) && port == service.port() && protocol == service.protocol();
    }

    /**
     * The VIP as text.
     *
     * @return its short form, e.g. {@code 2001:db8::10} or {@code 192.0.2.10}.
     */
    public String vipText()
    {
        return AddressText.format(vip);
    }

    /**
     * The protocol as text.
     *
     * @return {@code tcp}, {@code udp}, or the protocol number for others.
     */
    public String protocolName()
    {
        return protocol == TCP ? "tcp" : protocol == UDP ? "udp" : Integer.toString(protocol);
    }

    /**
     * The name of the service in messages, events and the health checks: the one name of a service
     * outside the dataplane, which {@link #parse(String)} reads back.
     *
     * @return e.g. {@code 192.0.2.10:80/tcp} or {@code [2001:db8::10]:443/tcp}.
     */
    public String name()
    {
        final String address = vipText();
        return (vip.ipv6() ? "[" + address + "]" : address) + ":" + port + "/" + protocolName();
    }

    @Override
    public String toString()
    {
        return name();
    }
}
