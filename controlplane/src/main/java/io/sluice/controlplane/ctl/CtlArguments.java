package io.sluice.controlplane.ctl;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import picocli.CommandLine;

import io.sluice.controlplane.api.v1.EventKind;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.HealthCheckKind;
import io.sluice.controlplane.api.v1.Protocol;
import io.sluice.controlplane.api.v1.Scheduler;
import io.sluice.controlplane.api.v1.ServiceFlag;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.config.Durations;

/**
 * The picocli converters of {@code sluice ctl}'s arguments. A malformed argument is a usage error
 * (exit code 2) that names the text and the form expected; a well-formed value out of the range the
 * daemon accepts (a port above 65535, a weight above 65535) is passed on, so the daemon's
 * INVALID_ARGUMENT message, which names the range, is the one rule.
 */
final class CtlArguments
{
    /** The form of a service, for messages. */
    static final String SERVICE_FORM = "VIP:PORT[/tcp|udp], e.g. 192.0.2.10:80/tcp or [2001:db8::10]:443/tcp";
    /** The form of an address and port, for messages. */
    static final String ENDPOINT_FORM = "ADDRESS:PORT, e.g. 198.51.100.7:40000 or [2001:db8::7]:40000";
    /** The prefix of a UDP payload written in hex, as in the configuration file. */
    static final String HEX_PREFIX = "hex:";

    private static final Pattern ENDPOINT = Pattern.compile("(?:\\[([^\\]]+)\\]|([^\\[\\]:/]+)):([0-9]{1,5})");
    private static final Pattern SERVICE = Pattern.compile("(.+?)(?:/([a-z]+))?");

    private CtlArguments()
    {
    }

    /**
     * An address (or, for {@code --server}, a host name) and a port.
     *
     * @param host the address or host, without brackets.
     * @param port the port, 0..99999 as written (ranges are the daemon's to check).
     */
    record Endpoint(String host, int port)
    {
        /**
         * Parses {@code ADDRESS:PORT} or {@code [IPV6]:PORT}.
         *
         * @param text the argument.
         * @return the endpoint.
         * @throws IllegalArgumentException naming the text and the form.
         */
        static Endpoint parse(final String text)
        {
            final Matcher matcher = ENDPOINT.matcher(text);
            if (!matcher.matches())
            {
                final String ipv6 = text.indexOf(':') != text.lastIndexOf(':') && !text.startsWith("[") ?
                    " (write an IPv6 address in brackets)" : "";
                throw new IllegalArgumentException("'" + text + "' is not " + ENDPOINT_FORM + ipv6);
            }
            final String host = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            return new Endpoint(host, Integer.parseInt(matcher.group(3)));
        }

        @Override
        public String toString()
        {
            return CtlNames.endpoint(host, port);
        }
    }

    /**
     * Parses a service.
     *
     * @param text {@code VIP:PORT}, {@code VIP:PORT/tcp} or {@code VIP:PORT/udp}.
     * @return its key (TCP when no protocol is written).
     * @throws IllegalArgumentException naming the text and the form.
     */
    static ServiceKey serviceKey(final String text)
    {
        final Matcher matcher = SERVICE.matcher(text);
        final Endpoint endpoint;
        try
        {
            endpoint = matcher.matches() ? Endpoint.parse(matcher.group(1)) : null;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("'" + text + "' is not a service: " + SERVICE_FORM);
        }
        final String protocol = matcher.group(2);
        if (endpoint == null || (protocol != null && !protocol.equals("tcp") && !protocol.equals("udp")))
        {
            throw new IllegalArgumentException("'" + text + "' is not a service: " + SERVICE_FORM);
        }
        return ServiceKey.newBuilder().setVip(endpoint.host()).setPort(endpoint.port())
            .setProtocol("udp".equals(protocol) ? Protocol.PROTOCOL_UDP : Protocol.PROTOCOL_TCP).build();
    }

    /**
     * Parses a UDP health-check payload as the configuration file writes it.
     *
     * @param text {@code hex:} and an even number of hex digits, or text sent as UTF-8.
     * @return the bytes.
     * @throws IllegalArgumentException when the hex digits are malformed.
     */
    static ByteString payload(final String text)
    {
        if (!text.startsWith(HEX_PREFIX))
        {
            return ByteString.copyFrom(text, StandardCharsets.UTF_8);
        }
        try
        {
            return ByteString.copyFrom(HexFormat.of().parseHex(text.substring(HEX_PREFIX.length())));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("'" + text + "' is not hex: followed by an even number of hex digits, e.g. hex:0001ff");
        }
    }

    /**
     * Parses a duration.
     *
     * @param text e.g. {@code 500ms}, {@code 2s}, {@code 5m}.
     * @return it as a protobuf duration.
     * @throws IllegalArgumentException naming the text and the form.
     */
    static com.google.protobuf.Duration duration(final String text)
    {
        final long ns = Durations.parseNs(text);
        return com.google.protobuf.Duration.newBuilder().setSeconds(ns / 1_000_000_000L).setNanos((int)(ns % 1_000_000_000L)).build();
    }

    private static <T> T converted(final java.util.function.Function<String, T> parse, final String text)
    {
        try
        {
            return parse.apply(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.TypeConversionException(ex.getMessage());
        }
    }

    /** Converts {@code VIP:PORT[/PROTO]}. */
    static final class ServiceKeyConverter implements CommandLine.ITypeConverter<ServiceKey>
    {
        @Override
        public ServiceKey convert(final String value)
        {
            return converted(CtlArguments::serviceKey, value);
        }
    }

    /** Converts {@code ADDRESS:PORT}. */
    static final class EndpointConverter implements CommandLine.ITypeConverter<Endpoint>
    {
        @Override
        public Endpoint convert(final String value)
        {
            return converted(Endpoint::parse, value);
        }
    }

    /** Converts a duration such as {@code 2s} to a protobuf duration. */
    static final class DurationConverter implements CommandLine.ITypeConverter<com.google.protobuf.Duration>
    {
        @Override
        public com.google.protobuf.Duration convert(final String value)
        {
            return converted(CtlArguments::duration, value);
        }
    }

    /** Converts a UDP payload, text or {@code hex:...}. */
    static final class PayloadConverter implements CommandLine.ITypeConverter<ByteString>
    {
        @Override
        public ByteString convert(final String value)
        {
            return converted(CtlArguments::payload, value);
        }
    }

    /** Converts a whole number from 0 (weights, quorum, sizes, ports, counts). */
    static final class UnsignedConverter implements CommandLine.ITypeConverter<Integer>
    {
        @Override
        public Integer convert(final String value)
        {
            if (!value.matches("[0-9]{1,9}"))
            {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number from 0");
            }
            return Integer.parseInt(value);
        }
    }

    /** Converts a forwarding mode name. */
    static final class ModeConverter implements CommandLine.ITypeConverter<ForwardingMode>
    {
        @Override
        public ForwardingMode convert(final String value)
        {
            return converted(text -> CtlNames.parse(ForwardingMode.class, CtlNames.MODE, text), value);
        }
    }

    /** Converts a scheduler name. */
    static final class SchedulerConverter implements CommandLine.ITypeConverter<Scheduler>
    {
        @Override
        public Scheduler convert(final String value)
        {
            return converted(text -> CtlNames.parse(Scheduler.class, CtlNames.SCHEDULER, text), value);
        }
    }

    /** Converts a service flag name. */
    static final class FlagConverter implements CommandLine.ITypeConverter<ServiceFlag>
    {
        @Override
        public ServiceFlag convert(final String value)
        {
            return converted(text -> CtlNames.parse(ServiceFlag.class, CtlNames.FLAG, text), value);
        }
    }

    /** Converts a health-check kind name. */
    static final class HealthCheckConverter implements CommandLine.ITypeConverter<HealthCheckKind>
    {
        @Override
        public HealthCheckKind convert(final String value)
        {
            return converted(text -> CtlNames.parse(HealthCheckKind.class, CtlNames.HEALTH_CHECK, text), value);
        }
    }

    /** Converts an event kind name. */
    static final class EventKindConverter implements CommandLine.ITypeConverter<EventKind>
    {
        @Override
        public EventKind convert(final String value)
        {
            return converted(text -> CtlNames.parse(EventKind.class, CtlNames.EVENT, text), value);
        }
    }
}
