package io.sluice.controlplane.health;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import io.sluice.controlplane.text.AddressText;
import io.sluice.dataplane.service.IpAddress;

/**
 * HTTP and HTTPS GET check: one request on a fresh connection, success when the response status
 * equals {@link HealthPolicy#expectStatus()}. Redirects are statuses like any other, never followed.
 * <p>
 * The request is {@code GET path HTTP/1.1} with {@code Host} from {@link HealthPolicy#httpHost()} or,
 * when that is null, the backend address (with the port when it is not the scheme's default), and
 * {@code Connection: close}. Only the status line is read; the connection is then closed.
 * <p>
 * Why not {@code java.net.http.HttpClient}: it refuses to set {@code Host} (a restricted header,
 * allowed only by the JVM-wide system property {@code jdk.httpclient.allowRestrictedHeaders}, read
 * once when the client classes load), so a check could not ask a name-based virtual host for its
 * health page on the backend's IP; and its connection pool would let a check pass on an old
 * keep-alive connection while the backend no longer accepts new ones. A status line is small enough
 * to read by hand on a blocking socket with one deadline for connect, TLS handshake and response.
 * <p>
 * HTTPS does not verify the backend's certificate or host name, on purpose: backends are addressed
 * by IP and a health check asks "is it serving", not "is it who it says" (see {@link TrustAllTls}).
 * The TLS server name (SNI) is {@code httpHost} without its port when that is a host name, so
 * name-based TLS virtual hosts answer as they would to a client.
 */
public final class HttpGetProbe implements HealthProbe
{
    private static final int MAX_STATUS_LINE_LENGTH = 8192;
    private static final int MAX_LINE_SHOWN = 40;

    private final Executor executor;
    private final SSLSocketFactory tls;

    private HttpGetProbe(final Executor executor, final SSLSocketFactory tls)
    {
        this.executor = executor;
        this.tls = tls;
    }

    /**
     * A plain HTTP probe.
     *
     * @param executor where each check blocks (virtual threads suit it).
     * @return the probe.
     */
    public static HttpGetProbe http(final Executor executor)
    {
        return new HttpGetProbe(executor, null);
    }

    /**
     * An HTTPS probe that trusts any certificate (see the class comment).
     *
     * @param executor where each check blocks (virtual threads suit it).
     * @return the probe.
     */
    public static HttpGetProbe https(final Executor executor)
    {
        return new HttpGetProbe(executor, TrustAllTls.socketFactory());
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public CompletableFuture<ProbeResult> probe(final InetSocketAddress address, final HealthPolicy policy)
    {
        return ProbeRunner.runAsync(executor, policy, (deadlineNs) -> get(address, policy, deadlineNs));
    }

    /**
     * The status code of an HTTP/1.x status line.
     *
     * @param line the line without its CRLF, e.g. {@code HTTP/1.1 200 OK}.
     * @return the status, or -1 when the line is not an HTTP status line.
     */
    static int parseStatus(final String line)
    {
        final int space = line.indexOf(' ');
        if (!line.startsWith("HTTP/") || space < 6 || line.length() < space + 4)
        {
            return -1;
        }
        if (line.length() > space + 4 && line.charAt(space + 4) != ' ')
        {
            return -1;
        }
        int status = 0;
        for (int i = space + 1; i <= space + 3; i++)
        {
            final char c = line.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            status = status * 10 + (c - '0');
        }
        return status >= 100 ? status : -1;
    }

    /**
     * The Host header value for a backend when the policy names none.
     *
     * @param address     the backend address and port.
     * @param defaultPort 80 or 443: the port that is left out.
     * @return e.g. {@code 10.0.0.5}, {@code 10.0.0.5:8080}, {@code [2001:db8::5]:8080}; an IPv6 zone is dropped.
     */
    static String hostHeader(final InetSocketAddress address, final int defaultPort)
    {
        final String literal = addressLiteral(address);
        final String host = address.getAddress() instanceof Inet6Address ? "[" + literal + "]" : literal;
        return address.getPort() == defaultPort ? host : host + ":" + address.getPort();
    }

    private ProbeResult get(final InetSocketAddress address, final HealthPolicy policy, final long deadlineNs)
        throws IOException
    {
        try (Socket tcp = new Socket())
        {
            tcp.connect(address, ProbeRunner.remainingMs(deadlineNs));
            tcp.setSoTimeout(ProbeRunner.remainingMs(deadlineNs));
            if (tls == null)
            {
                return exchange(tcp, address, policy, deadlineNs);
            }
            try (SSLSocket secure = (SSLSocket)tls.createSocket(tcp, serverName(address, policy), address.getPort(), true))
            {
                secure.setSoTimeout(ProbeRunner.remainingMs(deadlineNs));
                secure.startHandshake();
                return exchange(secure, address, policy, deadlineNs);
            }
        }
    }

    private ProbeResult exchange(
        final Socket socket, final InetSocketAddress address, final HealthPolicy policy, final long deadlineNs)
        throws IOException
    {
        final String host = policy.httpHost() != null ? policy.httpHost() : hostHeader(address, tls == null ? 80 : 443);
        final String request = "GET " + policy.httpPath() + " HTTP/1.1\r\n" +
            "Host: " + host + "\r\n" +
            "User-Agent: sluice-health-check\r\n" +
            "Accept: */*\r\n" +
            "Connection: close\r\n\r\n";
        final OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        final String statusLine = readStatusLine(socket, deadlineNs);
        if (statusLine == null)
        {
            return ProbeResult.failure(0, "no HTTP status line in the first " + MAX_STATUS_LINE_LENGTH + " bytes");
        }
        final int status = parseStatus(statusLine);
        if (status < 0)
        {
            return ProbeResult.failure(0, "not an HTTP status line: '" + printable(statusLine) + "'");
        }
        if (status != policy.expectStatus())
        {
            return ProbeResult.failure(0, "HTTP " + status + ", expected " + policy.expectStatus());
        }
        return ProbeResult.success(0, "HTTP " + status);
    }

    private static String readStatusLine(final Socket socket, final long deadlineNs) throws IOException
    {
        final InputStream in = socket.getInputStream();
        final byte[] line = new byte[MAX_STATUS_LINE_LENGTH];
        int length = 0;
        while (length < line.length)
        {
            socket.setSoTimeout(ProbeRunner.remainingMs(deadlineNs));
            final int read = in.read(line, length, line.length - length);
            if (read < 0)
            {
                throw new EOFException("connection closed before the HTTP status line");
            }
            for (int i = length; i < length + read; i++)
            {
                if (line[i] == '\n')
                {
                    final int end = i > 0 && line[i - 1] == '\r' ? i - 1 : i;
                    return new String(line, 0, end, StandardCharsets.ISO_8859_1);
                }
            }
            length += read;
        }
        return null;
    }

    private static String serverName(final InetSocketAddress address, final HealthPolicy policy)
    {
        final String host = policy.httpHost();
        if (host == null || host.startsWith("["))
        {
            return addressLiteral(address);
        }
        final int colon = host.indexOf(':');
        return colon >= 0 && colon == host.lastIndexOf(':') ? host.substring(0, colon) : host;
    }

    private static String addressLiteral(final InetSocketAddress address)
    {
        return AddressText.format(IpAddress.of(address.getAddress()));
    }

    private static String printable(final String line)
    {
        final StringBuilder text = new StringBuilder(Math.min(line.length(), MAX_LINE_SHOWN));
        for (int i = 0; i < line.length() && i < MAX_LINE_SHOWN; i++)
        {
            final char c = line.charAt(i);
            text.append(c >= ' ' && c < 0x7F ? c : '?');
        }
        return line.length() > MAX_LINE_SHOWN ? text.append("...").toString() : text.toString();
    }
}
