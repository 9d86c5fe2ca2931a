package io.sluice.controlplane.ctl;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import picocli.CommandLine;

import io.sluice.controlplane.api.v1.ClientAddress;
import io.sluice.controlplane.api.v1.EventKind;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.HealthCheckKind;
import io.sluice.controlplane.api.v1.Protocol;
import io.sluice.controlplane.api.v1.Scheduler;
import io.sluice.controlplane.api.v1.ServiceFlag;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.config.ApiSection;
import io.sluice.controlplane.config.Durations;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.TextExcerpt;

/**
 * The picocli converters of {@code sluice ctl}'s arguments. A malformed argument is a usage error
 * (exit code 2) that names the argument (picocli's prefix), the text (at most
 * {@value #SHOWN_LENGTH} characters of it, control characters shown as {@code ?}) and the form
 * expected; a well-formed value out of the range the daemon accepts (a port above 65535, a weight
 * above 65535) is passed on, so the daemon's INVALID_ARGUMENT message, which names the range, is
 * the one rule.
 */
final class CtlArguments
{
    /** The form of a service, for messages. */
    static final String SERVICE_FORM = "VIP:PORT[/tcp|udp], e.g. 192.0.2.10:80/tcp or [2001:db8::10]:443/tcp";
    /** The form of an address and port, for messages. */
    static final String ENDPOINT_FORM = "ADDRESS:PORT, e.g. 198.51.100.7:40000 or [2001:db8::7]:40000";
    /** The form of {@code --server}, for messages. */
    static final String SERVER_FORM = "unix:PATH, a socket path starting with / or ., or HOST:PORT, e.g. unix:" +
        ApiSection.DEFAULT_SOCKET + " or lb1.example.net:50051";
    /** The form of a whole number, for messages. */
    static final String UNSIGNED_FORM = "a whole number 0..999999999";
    /** The prefix of a UDP payload written in hex, as in the configuration file. */
    static final String HEX_PREFIX = "hex:";
    /** The scheme of a Unix domain socket in {@code --server}. */
    static final String UNIX_PREFIX = "unix:";
    /** The longest host name (DNS allows 253 characters). */
    static final int MAX_HOST_LENGTH = 253;
    /** The most characters of an argument a message repeats. */
    static final int SHOWN_LENGTH = TextExcerpt.MAX_QUOTED;

    private static final Pattern ENDPOINT = Pattern.compile("(?:\\[([^\\]]+)\\]|([^\\[\\]:/]+)):([0-9]{1,5})");
    private static final Pattern SERVICE = Pattern.compile("(.+?)(?:/([a-z]+))?");

    private CtlArguments()
    {
    }

    /**
     * An argument as a message repeats it: quoted, cut to {@value #SHOWN_LENGTH} characters (then
     * followed by its length), control characters shown as {@code ?} ({@link TextExcerpt}).
     *
     * @param text the argument.
     * @return e.g. {@code '192.0.2.10'}.
     */
    static String quoted(final String text)
    {
        return TextExcerpt.quoted(text);
    }

    /**
     * Why a file named by an option could not be read, in words.
     *
     * @param failure what reading it threw.
     * @return e.g. {@code no such file}, {@code permission denied}, {@code not UTF-8 text}.
     */
    static String fileProblem(final IOException failure)
    {
        return switch (failure)
        {
            case NoSuchFileException ex -> "no such file";
            case AccessDeniedException ex -> "permission denied";
            case CharacterCodingException ex -> "not text in the expected encoding";
            case FileSystemException ex when ex.getReason() != null -> ex.getReason().toLowerCase(java.util.Locale.ROOT);
            default -> "Is a directory".equals(failure.getMessage()) ? "a directory" : "it cannot be read";
        };
    }

    /**
     * Where the daemon's API is: its Unix domain socket, or a TCP address.
     *
     * @param socket   the socket's path, or null for TCP.
     * @param endpoint the TCP address, or null for the socket.
     */
    record Server(Path socket, Endpoint endpoint)
    {
        /**
         * Parses {@code unix:PATH}, a path starting with {@code /} or {@code .}, or {@code HOST:PORT}.
         *
         * @param text the argument.
         * @return the server.
         * @throws IllegalArgumentException naming the text and the form.
         */
        static Server parse(final String text)
        {
            final String path = text.startsWith(UNIX_PREFIX) ? text.substring(UNIX_PREFIX.length()).replaceFirst("^//(?=/)", "") :
                text.startsWith("/") || text.startsWith(".") ? text : null;
            if (path == null)
            {
                try
                {
                    return new Server(null, Endpoint.parse(text));
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new IllegalArgumentException(quoted(text) + " is not " + SERVER_FORM);
                }
            }
            if (path.isBlank() || path.indexOf('\0') >= 0 || path.endsWith("/"))
            {
                throw new IllegalArgumentException(quoted(text) + " is not " + SERVER_FORM);
            }
            return new Server(Path.of(path), null);
        }

        @Override
        public String toString()
        {
            return socket != null ? UNIX_PREFIX + socket : endpoint.toString();
        }
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
                throw new IllegalArgumentException(quoted(text) + " is not " + ENDPOINT_FORM + ipv6);
            }
            final String host = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            if (host.length() > MAX_HOST_LENGTH)
            {
                throw new IllegalArgumentException(quoted(text) + " is not " + ENDPOINT_FORM + " (a host name has at most " +
                    MAX_HOST_LENGTH + " characters)");
            }
            return new Endpoint(host, Integer.parseInt(matcher.group(3)));
        }

        /**
         * Parses {@code ADDRESS:PORT} or {@code [IPV6]:PORT} with an IP address literal (no host name).
         *
         * @param text the argument.
         * @return the endpoint.
         * @throws IllegalArgumentException naming the text and the form.
         */
        static Endpoint parseAddress(final String text)
        {
            final Endpoint endpoint = parse(text);
            final boolean bracketed = text.startsWith("[");
            try
            {
                if (IpAddress.parse(endpoint.host()).ipv6() != bracketed)
                {
                    throw new IllegalArgumentException(text);
                }
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(quoted(text) + " is not " + ENDPOINT_FORM + " (an IP address literal)");
            }
            return endpoint;
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
        if (!matcher.matches())
        {
            throw new IllegalArgumentException(quoted(text) + " is not a service: " + SERVICE_FORM);
        }
        final Endpoint endpoint;
        try
        {
            endpoint = Endpoint.parseAddress(matcher.group(1));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(quoted(text) + " is not a service: " + SERVICE_FORM);
        }
        final String protocol = matcher.group(2);
        if (protocol != null && !protocol.equals("tcp") && !protocol.equals("udp"))
        {
            throw new IllegalArgumentException(quoted(text) + " is not a service: " + SERVICE_FORM);
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
            throw new IllegalArgumentException(quoted(text) + " is not hex: followed by an even number of hex digits, e.g. hex:0001ff");
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
        final long ns;
        try
        {
            ns = Durations.parseNs(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(quoted(text) + " is not " + Durations.FORM);
        }
        return com.google.protobuf.Duration.newBuilder().setSeconds(ns / 1_000_000_000L).setNanos((int)(ns % 1_000_000_000L)).build();
    }

    /**
     * Parses a whole number from 0.
     *
     * @param text e.g. {@code 65535}.
     * @return the number.
     * @throws IllegalArgumentException naming the text and the form.
     */
    static int unsigned(final String text)
    {
        if (!text.matches("[0-9]{1,9}"))
        {
            throw new IllegalArgumentException(quoted(text) + " is not " + UNSIGNED_FORM);
        }
        return Integer.parseInt(text);
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

    /** Converts {@code --server}: {@code unix:PATH}, a socket path or {@code HOST:PORT}. */
    static final class ServerConverter implements CommandLine.ITypeConverter<Server>
    {
        @Override
        public Server convert(final String value)
        {
            return converted(Server::parse, value);
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

    /** Converts {@code ADDRESS:PORT} with an IP address literal. */
    static final class EndpointConverter implements CommandLine.ITypeConverter<Endpoint>
    {
        @Override
        public Endpoint convert(final String value)
        {
            return converted(Endpoint::parseAddress, value);
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
            return converted(CtlArguments::unsigned, value);
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

    /** Converts a client-address carrier name. */
    static final class ClientAddressConverter implements CommandLine.ITypeConverter<ClientAddress>
    {
        @Override
        public ClientAddress convert(final String value)
        {
            return converted(text -> CtlNames.parse(ClientAddress.class, CtlNames.CLIENT_ADDRESS, text), value);
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
