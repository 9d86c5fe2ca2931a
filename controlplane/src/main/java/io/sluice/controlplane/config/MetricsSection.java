package io.sluice.controlplane.config;

import java.net.InetSocketAddress;

import io.sluice.dataplane.service.IpAddress;

/**
 * The {@code metrics:} section: where the Prometheus endpoint ({@code /metrics}) listens. Without
 * the section the daemon serves no metrics; {@code metrics: {}} listens on {@link #DEFAULT_LISTEN}.
 * A change needs a restart (a reload says so).
 *
 * @param listenHost the address to bind, an IPv4 or IPv6 literal (e.g. {@code 127.0.0.1}).
 * @param listenPort the TCP port, 0..65535; 0 takes a free port (the log says which).
 */
public record MetricsSection(String listenHost, int listenPort)
{
    /** The default listen address. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:9301";

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException when the host is not an IP literal or the port is out of range.
     */
    public MetricsSection
    {
        IpAddress.parse(listenHost);
        if (listenPort < 0 || listenPort > 65_535)
        {
            throw new IllegalArgumentException("metrics listen port " + listenPort + " is not 0..65535");
        }
    }

    /**
     * The section of a listen address as the file writes it.
     *
     * @param listen {@code ADDRESS:PORT}, IPv6 in brackets, e.g. {@code 127.0.0.1:9301} or {@code [::1]:9301}.
     * @return the section.
     * @throws IllegalArgumentException when the text is not such an address.
     */
    public static MetricsSection of(final String listen)
    {
        final String checked = ApiSectionReader.listen(listen);
        final int colon = checked.lastIndexOf(':');
        final String host = checked.substring(0, colon);
        return new MetricsSection(host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
            Integer.parseInt(checked.substring(colon + 1)));
    }

    /**
     * The listen address as the file writes it.
     *
     * @return e.g. {@code 127.0.0.1:9301} or {@code [::1]:9301}.
     */
    public String listen()
    {
        return (listenHost.indexOf(':') >= 0 ? "[" + listenHost + "]" : listenHost) + ":" + listenPort;
    }

    /**
     * The address to bind.
     *
     * @return the host literal and port, resolved without a name lookup.
     */
    public InetSocketAddress socketAddress()
    {
        return new InetSocketAddress(IpAddress.parse(listenHost).toInetAddress(), listenPort);
    }
}
