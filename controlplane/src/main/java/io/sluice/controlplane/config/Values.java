package io.sluice.controlplane.config;

import java.util.function.Function;

import io.sluice.dataplane.maglev.MaglevTableBuilder;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.AddressRules;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dpdk.MacAddress;

/**
 * Parsers of configuration scalars. Each takes the text as written and throws
 * {@link IllegalArgumentException} for anything it refuses; {@link YamlReader} turns that into a
 * problem naming the value and what would be valid.
 */
final class Values
{
    /** What a MAC address looks like, for messages. */
    static final String MAC_FORM = "a unicast MAC address such as 02:00:00:00:00:01";
    /** IP protocol number of TCP. */
    static final int TCP = 6;
    /** IP protocol number of UDP. */
    static final int UDP = 17;

    private Values()
    {
    }

    static Function<String, Integer> integer(final int min, final int max)
    {
        return text ->
        {
            if (!text.strip().matches("[-+]?[0-9]{1,10}"))
            {
                throw new IllegalArgumentException(text);
            }
            final long value = Long.parseLong(text.strip());
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(text);
            }
            return (int)value;
        };
    }

    static Function<String, Long> durationNs(final long minNs, final long maxNs)
    {
        return text ->
        {
            final long value = Durations.parseNs(text);
            if (value < minNs || value > maxNs)
            {
                throw new IllegalArgumentException(text);
            }
            return value;
        };
    }

    static boolean bool(final String text)
    {
        return switch (text)
        {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(text);
        };
    }

    static IpAddress address(final String text)
    {
        return IpAddress.parse(text.strip());
    }

    /**
     * A parser of addresses that a role can have ({@link AddressRules}): text that is no address is
     * refused with the caller's form, an address of a class the role cannot have with the reason.
     */
    static Function<String, IpAddress> address(final AddressRules.Role role)
    {
        return text -> usable(role, address(text));
    }

    /** The same for a role that takes one family only. */
    static Function<String, IpAddress> address(final AddressRules.Role role, final boolean ipv6)
    {
        return text ->
        {
            final IpAddress address = address(text);
            if (address.ipv6() != ipv6)
            {
                throw new IllegalArgumentException(text);
            }
            return usable(role, address);
        };
    }

    private static IpAddress usable(final AddressRules.Role role, final IpAddress address)
    {
        final String refusal = AddressRules.refusal(role, address);
        if (refusal != null)
        {
            throw new Refused(refusal);
        }
        return address;
    }

    /**
     * A value that parses but cannot be used, with the reason {@link YamlReader} reports instead of
     * the expected form.
     */
    static final class Refused extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;

        Refused(final String reason)
        {
            super(reason);
        }
    }

    static long unicastMac(final String text)
    {
        final MacAddress mac = MacAddress.parse(text.strip());
        if (mac.value() == 0 || mac.isMulticast())
        {
            throw new IllegalArgumentException(text);
        }
        return mac.value();
    }

    static ForwardingMode mode(final String text)
    {
        return switch (text)
        {
            case "dsr" -> ForwardingMode.DSR;
            case "ipip" -> ForwardingMode.IPIP;
            case "gue" -> ForwardingMode.GUE;
            case "nat" -> ForwardingMode.NAT;
            case "fullnat" -> ForwardingMode.FULLNAT;
            default -> throw new IllegalArgumentException(text);
        };
    }

    static int protocol(final String text)
    {
        return switch (text)
        {
            case "tcp" -> TCP;
            case "udp" -> UDP;
            default -> throw new IllegalArgumentException(text);
        };
    }

    static Function<String, Integer> powerOfTwo(final int min, final int max)
    {
        return text ->
        {
            final int value = integer(min, max).apply(text);
            if (Integer.bitCount(value) != 1)
            {
                throw new IllegalArgumentException(text);
            }
            return value;
        };
    }

    static Function<String, Integer> prime(final int min, final int max)
    {
        return text ->
        {
            final int value = integer(min, max).apply(text);
            if (!MaglevTableBuilder.isPrime(value))
            {
                throw new IllegalArgumentException(text);
            }
            return value;
        };
    }

    static String device(final String text)
    {
        final String device = text.strip();
        if (!DeviceNames.isPci(device) && !device.matches("[a-z][a-z0-9_]*[0-9]+(,[^\\s]*)?"))
        {
            throw new IllegalArgumentException(text);
        }
        return device;
    }
}
