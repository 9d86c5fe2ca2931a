package io.sluice.controlplane.text;

import io.sluice.dataplane.service.IpAddress;

/**
 * Addresses as people write them: IPv6 in the RFC 5952 short form ({@code 2001:db8::11}, not the
 * JDK's {@code 2001:db8:0:0:0:0:0:11}), IPv4 dotted.
 */
public final class AddressText
{
    private AddressText()
    {
    }

    /**
     * Formats an address.
     *
     * @param address the address.
     * @return its short text form.
     */
    public static String format(final IpAddress address)
    {
        if (!address.ipv6())
        {
            return address.toString();
        }
        final int[] groups = new int[8];
        for (int i = 0; i < 4; i++)
        {
            groups[i] = (int)(address.hi() >>> (48 - 16 * i)) & 0xFFFF;
            groups[i + 4] = (int)(address.lo() >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++)
        {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0)
            {
                length++;
            }
            if (length > bestLength)
            {
                bestStart = i;
                bestLength = length;
            }
        }
        final StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':')
            {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /**
     * Reformats address text, e.g. a label the dataplane wrote with the JDK's long IPv6 form.
     *
     * @param text an address literal.
     * @return its short form, or the text unchanged when it is not an address.
     */
    public static String shorten(final String text)
    {
        try
        {
            return format(IpAddress.parse(text));
        }
        catch (final IllegalArgumentException ex)
        {
            return text;
        }
    }

    /**
     * Reformats a service name as the dataplane writes it ({@code [2001:db8:0:0:0:0:0:10]:80/tcp})
     * with the short address form ({@code [2001:db8::10]:80/tcp}).
     *
     * @param name the dataplane's service name.
     * @return the name with its address shortened.
     */
    public static String shortenServiceName(final String name)
    {
        final int close = name.indexOf(']');
        if (name.startsWith("[") && close > 0)
        {
            return "[" + shorten(name.substring(1, close)) + name.substring(close);
        }
        return name;
    }
}
