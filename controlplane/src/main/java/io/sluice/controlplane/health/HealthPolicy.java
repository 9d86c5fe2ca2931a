package io.sluice.controlplane.health;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

import io.sluice.dataplane.service.TextExcerpt;

/**
 * How the backends of one service are checked: what to probe, how often, how long to wait, and how
 * many results in a row move a backend up or down.
 * <p>
 * Immutable and validated on construction: every bad field is refused with an
 * {@link IllegalArgumentException} naming the field and the value. The byte arrays are copied in and
 * out, and {@link #equals(Object)} compares their contents, so two policies read from the same
 * configuration are equal and a checker can tell "changed" from "the same again".
 * <p>
 * HTTPS checks do not verify the backend's certificate: backends are addressed by IP, and a health
 * check asks "is it serving", not "is it who it says" (see {@link HttpGetProbe}).
 *
 * @param kind         what to probe; {@link HealthCheckKind#NONE} disables checks.
 * @param port         the port to probe, 1..65535, or 0 for the service's own port.
 * @param httpPath     HTTP/HTTPS: the request path, starting with {@code /}; null means {@code /}.
 * @param httpHost     HTTP/HTTPS: the Host header (and TLS server name); null means the backend address.
 * @param expectStatus HTTP/HTTPS: the response status that counts as success, 100..599.
 * @param udpSend      UDP: the payload sent; required (non-empty) for {@link HealthCheckKind#UDP}.
 * @param udpExpect    UDP: the prefix a reply must start with; empty (or null) accepts any reply.
 * @param interval     time between the starts of two checks of one backend.
 * @param timeout      how long one check may take; at least 1 ms and less than {@code interval}.
 * @param rise         consecutive successes that take a backend up, 1..100.
 * @param fall         consecutive failures that take a backend down, 1..100.
 */
public record HealthPolicy(
    HealthCheckKind kind,
    int port,
    String httpPath,
    String httpHost,
    int expectStatus,
    byte[] udpSend,
    byte[] udpExpect,
    Duration interval,
    Duration timeout,
    int rise,
    int fall)
{
    /** Default request path of HTTP and HTTPS checks. */
    public static final String DEFAULT_HTTP_PATH = "/";

    /** Default expected HTTP status. */
    public static final int DEFAULT_EXPECT_STATUS = 200;

    /** Default time between two checks of one backend. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

    /** Default time one check may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    /** Default number of consecutive successes that take a backend up. */
    public static final int DEFAULT_RISE = 2;

    /** Default number of consecutive failures that take a backend down. */
    public static final int DEFAULT_FALL = 3;

    /** Largest accepted interval: a check that runs less often than hourly tells nothing useful. */
    public static final Duration MAX_INTERVAL = Duration.ofHours(1);

    /** Largest rise or fall count. */
    public static final int MAX_COUNT = 100;

    /** Largest UDP payload or expected prefix: the most an IPv4 UDP datagram carries. */
    public static final int MAX_UDP_LENGTH = 65_507;

    private static final int MAX_HTTP_PATH_LENGTH = 2048;
    private static final int MAX_HTTP_HOST_LENGTH = 255;
    private static final int MAX_BYTES_SHOWN = 32;
    private static final byte[] NO_BYTES = new byte[0];

    /**
     * Validates every field and fills the null defaults ({@code httpPath} "/", byte arrays empty).
     *
     * @throws IllegalArgumentException naming the first field that is not valid and its value.
     */
    public HealthPolicy
    {
        if (kind == null)
        {
            throw new IllegalArgumentException("kind must be one of NONE, ICMP, TCP, HTTP, HTTPS, UDP, not null");
        }
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("port must be 0..65535 (0 = the service's port), not " + port);
        }
        httpPath = httpPath == null ? DEFAULT_HTTP_PATH : httpPath;
        requireHttpPath(httpPath);
        requireHttpHost(httpHost);
        if (expectStatus < 100 || expectStatus > 599)
        {
            throw new IllegalArgumentException("expectStatus must be 100..599, not " + expectStatus);
        }
        udpSend = copyOf("udpSend", udpSend);
        udpExpect = copyOf("udpExpect", udpExpect);
        if (kind == HealthCheckKind.UDP && udpSend.length == 0)
        {
            throw new IllegalArgumentException("udpSend must not be empty for a UDP check: a UDP backend answers a request");
        }
        requireTiming(interval, timeout);
        requireCount("rise", rise);
        requireCount("fall", fall);
    }

    /**
     * The default policy of a kind: port 0 (the service's), path "/", Host the backend address,
     * status 200, interval 2 s, timeout 1 s, rise 2, fall 3.
     *
     * @param kind any kind but {@link HealthCheckKind#UDP}, which has no sensible default payload.
     * @return the default policy.
     * @throws IllegalArgumentException for UDP: use {@link #udp(byte[], byte[])}.
     */
    public static HealthPolicy defaults(final HealthCheckKind kind)
    {
        if (kind == HealthCheckKind.UDP)
        {
            throw new IllegalArgumentException(
                "kind UDP has no default payload: use HealthPolicy.udp(send, expect)");
        }
        return new HealthPolicy(
            kind, 0, DEFAULT_HTTP_PATH, null, DEFAULT_EXPECT_STATUS, NO_BYTES, NO_BYTES,
            DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_RISE, DEFAULT_FALL);
    }

    /**
     * The default UDP policy for a payload and an expected reply prefix; other fields as
     * {@link #defaults(HealthCheckKind)}.
     *
     * @param send   the payload, 1..65507 bytes.
     * @param expect the prefix a reply must start with; empty or null accepts any reply.
     * @return the policy.
     */
    public static HealthPolicy udp(final byte[] send, final byte[] expect)
    {
        return new HealthPolicy(
            HealthCheckKind.UDP, 0, DEFAULT_HTTP_PATH, null, DEFAULT_EXPECT_STATUS, send, expect,
            DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_RISE, DEFAULT_FALL);
    }

    /**
     * This policy with another check port.
     *
     * @param port 1..65535, or 0 for the service's port.
     * @return a new policy.
     */
    public HealthPolicy withPort(final int port)
    {
        return new HealthPolicy(
            kind, port, httpPath, httpHost, expectStatus, udpSend, udpExpect, interval, timeout, rise, fall);
    }

    /**
     * This policy with other HTTP fields.
     *
     * @param path         request path starting with "/", or null for "/".
     * @param host         Host header, or null for the backend address.
     * @param expectStatus expected status, 100..599.
     * @return a new policy.
     */
    public HealthPolicy withHttp(final String path, final String host, final int expectStatus)
    {
        return new HealthPolicy(
            kind, port, path, host, expectStatus, udpSend, udpExpect, interval, timeout, rise, fall);
    }

    /**
     * This policy with another UDP payload and expected reply prefix.
     *
     * @param send   the payload.
     * @param expect the expected prefix, empty or null for any reply.
     * @return a new policy.
     */
    public HealthPolicy withUdp(final byte[] send, final byte[] expect)
    {
        return new HealthPolicy(
            kind, port, httpPath, httpHost, expectStatus, send, expect, interval, timeout, rise, fall);
    }

    /**
     * This policy with another interval and timeout.
     *
     * @param interval time between two checks, at most {@link #MAX_INTERVAL}.
     * @param timeout  time one check may take, at least 1 ms and less than the interval.
     * @return a new policy.
     */
    public HealthPolicy withTiming(final Duration interval, final Duration timeout)
    {
        return new HealthPolicy(
            kind, port, httpPath, httpHost, expectStatus, udpSend, udpExpect, interval, timeout, rise, fall);
    }

    /**
     * This policy with other rise and fall counts.
     *
     * @param rise consecutive successes to go up, 1..100.
     * @param fall consecutive failures to go down, 1..100.
     * @return a new policy.
     */
    public HealthPolicy withCounts(final int rise, final int fall)
    {
        return new HealthPolicy(
            kind, port, httpPath, httpHost, expectStatus, udpSend, udpExpect, interval, timeout, rise, fall);
    }

    /**
     * A copy of the UDP payload.
     *
     * @return the bytes sent by a UDP check; empty for other kinds unless set.
     */
    @Override
    public byte[] udpSend()
    {
        return udpSend.clone();
    }

    /**
     * A copy of the expected UDP reply prefix.
     *
     * @return the prefix; empty accepts any reply.
     */
    @Override
    public byte[] udpExpect()
    {
        return udpExpect.clone();
    }

    /**
     * The port a check of a backend of a service on {@code servicePort} probes.
     *
     * @param servicePort the service's port.
     * @return {@link #port()} when set, else {@code servicePort}.
     */
    public int effectivePort(final int servicePort)
    {
        return port != 0 ? port : servicePort;
    }

    /**
     * Whether checks of this kind need a port (all but NONE and ICMP).
     *
     * @return true for TCP, HTTP, HTTPS and UDP.
     */
    public boolean needsPort()
    {
        return kind != HealthCheckKind.NONE && kind != HealthCheckKind.ICMP;
    }

    /**
     * The interval in nanoseconds.
     *
     * @return {@code interval.toNanos()}.
     */
    public long intervalNs()
    {
        return interval.toNanos();
    }

    /**
     * The timeout in whole milliseconds, rounded up, for APIs that take milliseconds.
     *
     * @return the timeout, at least 1.
     */
    public int timeoutMs()
    {
        final long ms = timeout.toMillis();
        return (int)(timeout.equals(Duration.ofMillis(ms)) ? ms : ms + 1);
    }

    /**
     * Equal when every field is, comparing the byte arrays by content.
     *
     * @param other the other object.
     * @return whether {@code other} is the same policy.
     */
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof final HealthPolicy that &&
            kind == that.kind &&
            port == that.port &&
            httpPath.equals(that.httpPath) &&
            Objects.equals(httpHost, that.httpHost) &&
            expectStatus == that.expectStatus &&
            Arrays.equals(udpSend, that.udpSend) &&
            Arrays.equals(udpExpect, that.udpExpect) &&
            interval.equals(that.interval) &&
            timeout.equals(that.timeout) &&
            rise == that.rise &&
            fall == that.fall;
    }

    /**
     * A hash consistent with {@link #equals(Object)}.
     *
     * @return the hash.
     */
    @Override
    public int hashCode()
    {
        int hash = Objects.hash(kind, port, httpPath, httpHost, expectStatus, interval, timeout, rise, fall);
        hash = 31 * hash + Arrays.hashCode(udpSend);
        return 31 * hash + Arrays.hashCode(udpExpect);
    }

    /**
     * The policy for logs and messages; byte arrays in hex, long ones cut.
     *
     * @return e.g. {@code HealthPolicy[kind=HTTP, port=0, httpPath=/, ...]}.
     */
    @Override
    public String toString()
    {
        return "HealthPolicy[kind=" + kind + ", port=" + port + ", httpPath=" + httpPath + ", httpHost=" + httpHost +
            ", expectStatus=" + expectStatus + ", udpSend=" + hex(udpSend) + ", udpExpect=" + hex(udpExpect) +
            ", interval=" + interval.toMillis() + "ms, timeout=" + timeout.toMillis() + "ms, rise=" + rise +
            ", fall=" + fall + "]";
    }

    private static void requireHttpPath(final String path)
    {
        if (!path.startsWith("/") || path.length() > MAX_HTTP_PATH_LENGTH || !isVisibleAscii(path))
        {
            throw new IllegalArgumentException("httpPath must start with '/', be at most " + MAX_HTTP_PATH_LENGTH +
                " characters and hold no spaces or control characters, not " + TextExcerpt.quoted(path));
        }
    }

    private static void requireHttpHost(final String host)
    {
        if (host != null && (host.isEmpty() || host.length() > MAX_HTTP_HOST_LENGTH || !isVisibleAscii(host)))
        {
            throw new IllegalArgumentException("httpHost must be null (the backend address) or 1.." +
                MAX_HTTP_HOST_LENGTH + " characters without spaces or control characters, not " + TextExcerpt.quoted(host));
        }
    }

    private static void requireTiming(final Duration interval, final Duration timeout)
    {
        if (interval == null || interval.isNegative() || interval.isZero() || interval.compareTo(MAX_INTERVAL) > 0)
        {
            throw new IllegalArgumentException("interval must be more than 0 and at most 1h, not " + interval);
        }
        if (timeout == null || timeout.compareTo(Duration.ofMillis(1)) < 0)
        {
            throw new IllegalArgumentException("timeout must be at least 1ms, not " + timeout);
        }
        if (timeout.compareTo(interval) >= 0)
        {
            throw new IllegalArgumentException(
                "timeout must be less than interval " + interval + " (one check at a time), not " + timeout);
        }
    }

    private static void requireCount(final String name, final int count)
    {
        if (count < 1 || count > MAX_COUNT)
        {
            throw new IllegalArgumentException(name + " must be 1.." + MAX_COUNT + ", not " + count);
        }
    }

    private static byte[] copyOf(final String name, final byte[] bytes)
    {
        if (bytes == null)
        {
            return NO_BYTES;
        }
        if (bytes.length > MAX_UDP_LENGTH)
        {
            throw new IllegalArgumentException(
                name + " must be at most " + MAX_UDP_LENGTH + " bytes, not " + bytes.length + " bytes");
        }
        return bytes.clone();
    }

    private static boolean isVisibleAscii(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7F)
            {
                return false;
            }
        }
        return true;
    }

    private static String hex(final byte[] bytes)
    {
        if (bytes.length <= MAX_BYTES_SHOWN)
        {
            return HexFormat.of().formatHex(bytes);
        }
        return HexFormat.of().formatHex(bytes, 0, MAX_BYTES_SHOWN) + "...(" + bytes.length + " bytes)";
    }
}
