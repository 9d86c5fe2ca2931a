package io.sluice.controlplane.config;

import java.nio.file.Path;

/**
 * The {@code api:} section: where the gRPC control API is served and how callers are authenticated.
 * Without the section the daemon runs no API. The API is always served on a Unix domain socket,
 * which only root (and the members of {@code socketGroup}, when one is configured) may connect to:
 * the file's permissions are the gate, no token is asked there. A TCP listener, for control from
 * other hosts, is opened only when {@code listen} is given; the token and TLS apply to it, and the
 * loader refuses a TCP listener that authenticates no caller (no token, no client CA) unless
 * {@code insecure} says so. A change needs a restart (a reload says so).
 *
 * @param socket      the path of the Unix domain socket.
 * @param socketGroup the group whose members may connect to the socket too, or null for root only.
 * @param listenHost  the TCP address to bind, an IPv4 or IPv6 literal (e.g. {@code 127.0.0.1}), or null for no TCP listener.
 * @param listenPort  the TCP port, 0..65535; 0 takes a free port (the log says which); 0 without a listener.
 * @param tlsCert     PEM certificate chain of the server, or null for plaintext.
 * @param tlsKey      PEM PKCS#8 private key of the server; set exactly when {@code tlsCert} is.
 * @param tlsClientCa PEM CA certificates that client certificates must chain to (mutual TLS), or null.
 * @param token       the bearer token every TCP call to the LoadBalancer service must carry, or null for none.
 * @param tokenFile   the file the token was read from, or null when it was given inline (or there is none).
 * @param insecure    whether the TCP listener may serve without authenticating its callers (logged as a WARNING).
 */
public record ApiSection(
    Path socket, String socketGroup, String listenHost, int listenPort, Path tlsCert, Path tlsKey, Path tlsClientCa, String token,
    Path tokenFile, boolean insecure)
{
    /** The default socket path; {@code sluice ctl} looks there when told no other address. */
    public static final String DEFAULT_SOCKET = "/run/sluice/sluice.sock";

    /**
     * Whether a TCP listener is configured.
     *
     * @return true when {@code listen} was given.
     */
    public boolean tcp()
    {
        return listenHost != null;
    }

    /**
     * Whether the TCP listener runs over TLS.
     *
     * @return true when a certificate and key are configured.
     */
    public boolean tls()
    {
        return tlsCert != null;
    }

    /**
     * Whether the TCP listener authenticates its callers: a bearer token, or client certificates.
     *
     * @return true when a token or a client CA is configured.
     */
    public boolean authenticated()
    {
        return token != null || tlsClientCa != null;
    }

    /**
     * The TCP listen address as the file writes it.
     *
     * @return e.g. {@code 127.0.0.1:50051} or {@code [::1]:50051}; null when there is no TCP listener.
     */
    public String listen()
    {
        if (listenHost == null)
        {
            return null;
        }
        return (listenHost.indexOf(':') >= 0 ? "[" + listenHost + "]" : listenHost) + ":" + listenPort;
    }

    /**
     * The same section with another token (the rest unchanged).
     *
     * @param nextToken the token.
     * @param nextFile  the file it came from, or null.
     * @return the section.
     */
    public ApiSection withToken(final String nextToken, final Path nextFile)
    {
        return new ApiSection(socket, socketGroup, listenHost, listenPort, tlsCert, tlsKey, tlsClientCa, nextToken, nextFile, insecure);
    }

    /**
     * Hides the token.
     *
     * @return the section without the token's value.
     */
    @Override
    public String toString()
    {
        return "ApiSection[socket=" + socket + ", socketGroup=" + socketGroup + ", listen=" + listen() + ", tlsCert=" + tlsCert +
            ", tlsKey=" + tlsKey + ", tlsClientCa=" + tlsClientCa + ", token=" + (token == null ? "none" : "set") + ", tokenFile=" +
            tokenFile + ", insecure=" + insecure + "]";
    }
}
