package io.sluice.controlplane.api;

import io.grpc.Status;

import io.sluice.controlplane.model.ChangeRejectedException;
import io.sluice.dataplane.service.TextExcerpt;

/**
 * The gRPC status of a rejected change: one status code per {@link ChangeRejectedException.Reason},
 * the model's message as the description.
 */
final class StatusMapping
{
    /**
     * The longest status description sent: gRPC carries it in the trailers, which a client takes up
     * to 8 KiB in all by default, so a longer one would turn the answer into an INTERNAL error.
     */
    static final int MAX_DESCRIPTION = 4096;

    private StatusMapping()
    {
    }

    static Status status(final ChangeRejectedException ex)
    {
        final Status status = switch (ex.reason())
        {
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case NOT_CONFIRMED -> Status.DEADLINE_EXCEEDED;
            case UNAVAILABLE -> Status.UNAVAILABLE;
        };
        return status.withDescription(TextExcerpt.clip(ex.getMessage(), MAX_DESCRIPTION));
    }
}
