package io.sluice.controlplane.ctl;

import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

import javax.net.ssl.SSLException;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import io.sluice.controlplane.config.ApiSection;

/**
 * How a failed call is reported on standard error: {@code sluice ctl: CODE: message} with the
 * daemon's own status code and message, and, where the cause is on this side (the daemon is not
 * reachable, TLS does not match, no token was given, the deadline is too short), a line saying what
 * to check.
 */
final class CtlErrors
{
    /** The prefix of every error line. */
    static final String PREFIX = "sluice ctl: ";
    private static final int REASON_LENGTH = 80;

    private CtlErrors()
    {
    }

    /**
     * What the command knew when the call failed, to word the hints.
     *
     * @param server     the address called.
     * @param socket     whether it is a Unix domain socket.
     * @param tls        whether the call went over TLS.
     * @param tokenGiven whether a bearer token was sent.
     */
    record CallContext(String server, boolean socket, boolean tls, boolean tokenGiven)
    {
    }

    /**
     * Reports a failed call.
     *
     * @param err     standard error.
     * @param failure the failure.
     * @param context the call's address and credentials.
     */
    static void report(final PrintWriter err, final StatusRuntimeException failure, final CallContext context)
    {
        final Status status = failure.getStatus();
        final Throwable unreachable = context.socket() && socketRefusal(status.getCause()) != null ?
            socketRefusal(status.getCause()) : causeOfType(status.getCause(), ConnectException.class, NoRouteToHostException.class,
            UnknownHostException.class, UnresolvedAddressException.class);
        if (status.getCode() == Status.Code.UNAVAILABLE && unreachable != null)
        {
            err.println(PREFIX + "cannot connect to the daemon's API at " + context.server() + ": " +
                (unreachable instanceof FileNotFoundException ? "No such file or directory" : reason(unreachable)));
            err.println(PREFIX + unreachableHint(unreachable, context));
            err.flush();
            return;
        }
        final String description = status.getDescription() == null ? "(no message)" : status.getDescription();
        final Throwable cause = status.getCause();
        if (transportFailure(status))
        {
            final String firstLine = description.lines().findFirst().orElse("");
            err.println(PREFIX + status.getCode() + ": " + firstLine + (cause == null ? "" : " (" + reason(cause) + ")"));
        }
        else
        {
            err.println(PREFIX + status.getCode() + ": " + description);
        }
        final String hint = hint(status, context);
        if (hint != null)
        {
            err.println(PREFIX + hint);
        }
        err.flush();
    }

    /**
     * Why a channel could not be built, without gRPC's list of the providers it tried.
     *
     * @param failure what building the channel threw, e.g. a provider's "Unable to create SslContext".
     * @return e.g. {@code Unable to create SslContext: signed fields invalid}.
     */
    static String channelFailure(final RuntimeException failure)
    {
        final String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        final String first = message.split(";", 2)[0];
        final int provider = first.indexOf("Provider: ");
        return provider < 0 ? first : first.substring(provider + "Provider: ".length());
    }

    private static String hint(final Status status, final CallContext context)
    {
        return switch (status.getCode())
        {
            case UNAUTHENTICATED -> context.tokenGiven() ? "check the token against the daemon's api.token or api.tokenFile" :
                "the daemon wants a bearer token: give it with --token-file FILE, --token TOKEN or SLUICE_TOKEN";
            case UNAVAILABLE -> transportFailure(status) ? transportHint(status, context) : null;
            case DEADLINE_EXCEEDED -> status.getDescription() != null && status.getDescription().startsWith("deadline exceeded") ?
                "no answer within the --timeout deadline (default 10s); give a longer one before the subcommand, e.g. " +
                "sluice ctl --timeout 30s ..." : null;
            default -> null;
        };
    }

    private static Throwable socketRefusal(final Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            final String message = String.valueOf(cause.getMessage());
            if (cause instanceof FileNotFoundException || message.contains("No such file") || message.contains("Permission denied") ||
                message.contains("Connection refused"))
            {
                return cause;
            }
        }
        return null;
    }

    private static String unreachableHint(final Throwable unreachable, final CallContext context)
    {
        final String reason = String.valueOf(unreachable.getMessage());
        if (context.socket() && reason.contains("Permission denied"))
        {
            return "the daemon's socket lets in only root (and the group of api.socketGroup, when one is configured): run " +
                "sluice ctl as root (e.g. with sudo), or as a member of that group";
        }
        return "is the daemon running, with an api: section in its configuration (api: {} serves the socket " +
            ApiSection.DEFAULT_SOCKET + ")? Give its socket with --server unix:PATH (api.socket), or its TCP address with " +
            "--server HOST:PORT (api.listen), or set SLUICE_SERVER.";
    }

    private static boolean transportFailure(final Status status)
    {
        final String description = status.getDescription() == null ? "" : status.getDescription();
        return status.getCause() != null || description.startsWith("Network closed") || description.startsWith("io exception");
    }

    private static String transportHint(final Status status, final CallContext context)
    {
        final Throwable tls = causeOfType(status.getCause(), SSLException.class);
        if (tls != null && tls.getClass().getSimpleName().equals("NotSslRecordException"))
        {
            return "the daemon's API is plaintext (no api.tls in its configuration): leave out --tls and --ca";
        }
        if (tls != null)
        {
            return "TLS failed: does --ca hold the CA of the daemon's api.tls.cert, and, for mutual TLS, are --cert and --key " +
                "signed by its api.tls.clientCa?";
        }
        return context.tls() ? "the daemon's API may be plaintext (no api.tls in its configuration): leave out --tls" :
            "the daemon's API may use TLS (api.tls in its configuration): give --tls --ca FILE";
    }

    @SafeVarargs
    private static Throwable causeOfType(final Throwable failure, final Class<? extends Throwable>... types)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            for (final Class<? extends Throwable> type : types)
            {
                if (type.isInstance(cause))
                {
                    return cause;
                }
            }
        }
        return null;
    }

    private static String reason(final Throwable cause)
    {
        final String message = cause.getMessage() == null || cause.getMessage().isBlank() ? cause.getClass().getSimpleName() :
            cause.getMessage().lines().findFirst().orElse("");
        return message.length() <= REASON_LENGTH ? message : message.substring(0, REASON_LENGTH) + "...";
    }
}
