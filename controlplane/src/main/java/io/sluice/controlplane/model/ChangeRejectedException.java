package io.sluice.controlplane.model;

import io.sluice.dataplane.service.TextExcerpt;

/**
 * A change the control model did not make, or made without the confirmation it waits for, with a
 * {@link Reason} that says which (the API turns it into a gRPC status) and a message a person can
 * act on: the field, the value, what would be valid.
 */
public final class ChangeRejectedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * Why a change was rejected.
     */
    public enum Reason
    {
        /** A value is malformed or out of range, whatever the configuration: nothing changed. */
        INVALID_ARGUMENT,
        /** No such service or backend: nothing changed. */
        NOT_FOUND,
        /** The service or backend exists already: nothing changed. */
        ALREADY_EXISTS,
        /** Well-formed, but the dataplane refuses it as the configuration stands: nothing changed. */
        FAILED_PRECONDITION,
        /** The change is published and in force, but a worker did not confirm running it in time. */
        NOT_CONFIRMED,
        /** The dataplane did not take the change (its control thread did not answer): nothing changed. */
        UNAVAILABLE
    }

    private final Reason reason;

    /**
     * @param reason  why.
     * @param message what is wrong and what would be valid.
     */
    public ChangeRejectedException(final Reason reason, final String message)
    {
        super(message);
        this.reason = reason;
    }

    /**
     * @param reason  why.
     * @param message what is wrong and what would be valid.
     * @param cause   the exception that said so.
     */
    public ChangeRejectedException(final Reason reason, final String message, final Throwable cause)
    {
        super(message, cause);
        this.reason = reason;
    }

    /**
     * A value that is not valid, in the configuration loader's words.
     *
     * @param field    the field, e.g. {@code weight}.
     * @param value    the value as given.
     * @param expected what would be valid.
     * @return the exception, reason {@link Reason#INVALID_ARGUMENT}.
     */
    public static ChangeRejectedException invalid(final String field, final Object value, final String expected)
    {
        return new ChangeRejectedException(Reason.INVALID_ARGUMENT, field + ": " + TextExcerpt.quoted(value) + " is not valid: " + expected);
    }

    /**
     * @return why the change was rejected.
     */
    public Reason reason()
    {
        return reason;
    }
}
