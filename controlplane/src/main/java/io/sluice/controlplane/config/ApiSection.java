package io.sluice.controlplane.config;

import java.nio.file.Path;

/**
 * The {@code api:} section: where the gRPC control API listens and how callers are authenticated.
 * Without the section the daemon runs no API. A change needs a restart (a reload says so).
 *
 * @param listenHost  the address to bind, an IPv4 or IPv6 literal (e.g. {@code 127.0.0.1}).
 * @param listenPort  the TCP port, 0..65535; 0 takes a free port (the log says which).
 * @param tlsCert     PEM certificate chain of the server, or null for plaintext.
 * @param tlsKey      PEM PKCS#8 private key of the server; set exactly when {@code tlsCert} is.
 * @param tlsClientCa PEM CA certificates that client certificates must chain to (mutual TLS), or null.
 * @param token       the bearer token every call to the LoadBalancer service must carry, or null for none.
 * @param tokenFile   the file the token was read from, or null when it was given inline (or there is none).
 */
public record ApiSection(
    String listenHost, int listenPort, Path tlsCert, Path tlsKey, Path tlsClientCa, String token, Path tokenFile)
{
    /** The default listen address. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:50051";

    /**
     * Whether the API runs over TLS.
     *
     * @return true when a certificate and key are configured.
     */
    public boolean tls()
    {
        return tlsCert != null;
    }

    /**
     * The listen address as the file writes it.
     *
     * @return e.g. {@code 127.0.0.1:50051} or {@code [::1]:50051}.
     */
    public String listen()
    {
        return (listenHost.indexOf(':') >= 0 ? "[" + listenHost + "]" : listenHost) + ":" + listenPort;
    }

    /**
     * Hides the token.
     *
     * @return the section without the token's value.
     */
    @Override
    public String toString()
    {
        return "ApiSection[listen=" + listen() + ", tlsCert=" + tlsCert + ", tlsKey=" + tlsKey + ", tlsClientCa=" + tlsClientCa +
            ", token=" + (token == null ? "none" : "set") + ", tokenFile=" + tokenFile + "]";
    }
}
