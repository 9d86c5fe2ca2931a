package io.sluice.controlplane.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Refuses every call that does not carry {@code authorization: Bearer <token>} with the configured
 * token, with UNAUTHENTICATED. The comparison takes the same time wherever the tokens differ
 * ({@link MessageDigest#isEqual}), so the time of a refusal tells nothing about the token.
 */
final class BearerTokenInterceptor implements ServerInterceptor
{
    /** The metadata key of the token. */
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    /** The scheme before the token. */
    static final String BEARER = "Bearer ";

    private final byte[] expected;

    /**
     * @param token the token calls must carry.
     */
    BearerTokenInterceptor(final String token)
    {
        this.expected = (BEARER + token).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        final ServerCall<Q, R> call, final Metadata headers, final ServerCallHandler<Q, R> next)
    {
        final String given = headers.get(AUTHORIZATION);
        if (given == null)
        {
            call.close(Status.UNAUTHENTICATED.withDescription("this daemon's API needs a bearer token: send the metadata " +
                "'authorization: Bearer <token>' with the token of api.token or api.tokenFile in its configuration"), new Metadata());
            return new ServerCall.Listener<>()
            {
            };
        }
        if (!MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII)))
        {
            call.close(Status.UNAUTHENTICATED.withDescription("the bearer token is not this daemon's (api.token or " +
                "api.tokenFile in its configuration)"), new Metadata());
            return new ServerCall.Listener<>()
            {
            };
        }
        return next.startCall(call, headers);
    }
}
