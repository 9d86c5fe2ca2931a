package io.sluice.controlplane.health;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS client side of HTTPS health checks: accepts any server certificate and checks no host name.
 * <p>
 * Why that is right here: backends are addressed by IP, usually carry certificates for the service's
 * public name (or self-signed ones), and a health check asks "is it serving", not "is it who it
 * says": no secret is sent and the answer only moves the backend in or out of the pool. Verifying
 * would turn every certificate rotation or internal CA into a false outage. The trust manager is an
 * {@link X509ExtendedTrustManager}, so JSSE does not wrap it with its own host name check, and the
 * sockets are created without an endpoint identification algorithm.
 */
final class TrustAllTls
{
    private static final SSLSocketFactory SOCKET_FACTORY = createSocketFactory();

    private TrustAllTls()
    {
    }

    /**
     * The shared socket factory.
     *
     * @return a factory whose sockets trust any certificate.
     */
    static SSLSocketFactory socketFactory()
    {
        return SOCKET_FACTORY;
    }

    private static SSLSocketFactory createSocketFactory()
    {
        try
        {
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{ new TrustAnyServer() }, null);
            return context.getSocketFactory();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("the JDK has no usable TLS implementation: " + ex.getMessage(), ex);
        }
    }

    private static final class TrustAnyServer extends X509ExtendedTrustManager
    {
        private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
        {
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
        {
        }

        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
        {
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
        {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return NO_ISSUERS;
        }
    }
}
