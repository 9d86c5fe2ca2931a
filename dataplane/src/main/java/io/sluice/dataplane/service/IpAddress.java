package io.sluice.dataplane.service;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import io.sluice.dataplane.flow.FlowKey;

/**
 * An IPv4 or IPv6 address as two longs in network order, the form {@link FlowKey} uses: IPv4 is
 * held IPv4-mapped ({@code ::ffff:a.b.c.d}) with {@code ipv6 == false}.
 *
 * @param hi   upper 64 bits.
 * @param lo   lower 64 bits.
 * @param ipv6 the address family.
 */
public record IpAddress(long hi, long lo, boolean ipv6)
{
    /** The longest text of an address literal, with blanks around it (an IPv6 address with an IPv4 tail is 45). */
    public static final int MAX_TEXT_LENGTH = 64;

    /**
     * An IPv4 address.
     *
     * @param address a.b.c.d as 0xaabbccdd.
     * @return the address.
     */
    public static IpAddress ofIpv4(final int address)
    {
        return new IpAddress(FlowKey.IPV4_MAPPED_HI, FlowKey.ipv4MappedLo(address), false);
    }

    /**
     * An IPv6 address.
     *
     * @return the address.
     */
    public static IpAddress ofIpv6(final long hi, final long lo)
    {
        return new IpAddress(hi, lo, true);
    }

    /**
     * Parses a literal IPv4 or IPv6 address; host names are refused (no DNS lookups here).
     *
     * @param text e.g. {@code 10.0.0.1} or {@code 2001:db8::1}.
     * @return the address.
     * @throws IllegalArgumentException naming the text when it is not an address literal.
     */
    public static IpAddress parse(final String text)
    {
        if (text != null && text.length() > MAX_TEXT_LENGTH)
        {
            throw new IllegalArgumentException(TextExcerpt.quoted(text) + " is not an IP address literal: it is longer than " +
                MAX_TEXT_LENGTH + " characters");
        }
        if (text == null || text.isBlank() ||
            !(text.indexOf(':') >= 0 || text.strip().matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}")))
        {
            throw new IllegalArgumentException(TextExcerpt.quoted(text) + " is not an IPv4 (four decimal octets) or IPv6 address literal");
        }
        if (text.indexOf(':') >= 0 && text.indexOf('.') >= 0 && text.strip().toLowerCase(java.util.Locale.ROOT).startsWith("::ffff:"))
        {
            throw new IllegalArgumentException(TextExcerpt.quoted(text) + " is an IPv4-mapped IPv6 address: write the IPv4 address itself");
        }
        final InetAddress inet;
        try
        {
            inet = InetAddress.getByName(text.strip());
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(TextExcerpt.quoted(text) + " is not an IPv4 or IPv6 address literal", ex);
        }
        return of(inet);
    }

    /**
     * Converts a {@link InetAddress}.
     *
     * @return the address.
     */
    public static IpAddress of(final InetAddress inet)
    {
        final byte[] bytes = inet.getAddress();
        if (inet instanceof Inet4Address)
        {
            return ofIpv4(((bytes[0] & 0xFF) << 24) | ((bytes[1] & 0xFF) << 16) | ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF));
        }
        if (inet instanceof Inet6Address)
        {
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 8; i++)
            {
                hi = (hi << 8) | (bytes[i] & 0xFF);
                lo = (lo << 8) | (bytes[i + 8] & 0xFF);
            }
            return ofIpv6(hi, lo);
        }
        throw new IllegalArgumentException("unsupported address " + inet);
    }

    /** @return the IPv4 address as 0xaabbccdd (meaningful only when {@code !ipv6}). */
    public int ipv4()
    {
        return (int)lo;
    }

    /** @return the address bytes, 4 for IPv4 and 16 for IPv6 (a Maglev identity). */
    public byte[] bytes()
    {
        final byte[] bytes = new byte[ipv6 ? 16 : 4];
        if (ipv6)
        {
            for (int i = 0; i < 8; i++)
            {
                bytes[i] = (byte)(hi >>> (56 - 8 * i));
                bytes[i + 8] = (byte)(lo >>> (56 - 8 * i));
            }
        }
        else
        {
            final int v4 = ipv4();
            bytes[0] = (byte)(v4 >>> 24);
            bytes[1] = (byte)(v4 >>> 16);
            bytes[2] = (byte)(v4 >>> 8);
            bytes[3] = (byte)v4;
        }
        return bytes;
    }

    /** @return this address as a {@link InetAddress}. */
    public InetAddress toInetAddress()
    {
        try
        {
            return InetAddress.getByAddress(bytes());
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public String toString()
    {
        return toInetAddress().getHostAddress();
    }
}
