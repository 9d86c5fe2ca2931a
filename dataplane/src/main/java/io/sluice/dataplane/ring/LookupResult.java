package io.sluice.dataplane.ring;

import java.util.Objects;

/**
 * The answer of a worker to a flow lookup through {@link WorkerProxy#lookup}: the flow it holds for
 * the key, that it holds none, or that it did not answer in time (it is not running, or is stalled).
 *
 * @param outcome what the worker said, or that it said nothing.
 * @param flow    a copy of the flow, owned by the caller, when {@link Outcome#FOUND}; null otherwise.
 */
public record LookupResult(Outcome outcome, FlowRecord flow)
{
    /** What a lookup came to. */
    public enum Outcome
    {
        /** The worker holds a live flow of the key. */
        FOUND,
        /** The worker holds no live flow of the key. */
        NOT_FOUND,
        /** The worker did not answer before the timeout. */
        NO_ANSWER
    }

    private static final LookupResult NOT_FOUND = new LookupResult(Outcome.NOT_FOUND, null);
    private static final LookupResult NO_ANSWER = new LookupResult(Outcome.NO_ANSWER, null);

    /**
     * Checks that a flow comes with {@link Outcome#FOUND} and only with it.
     */
    public LookupResult
    {
        Objects.requireNonNull(outcome, "outcome");
        if ((outcome == Outcome.FOUND) != (flow != null))
        {
            throw new IllegalArgumentException("a lookup result carries a flow exactly when it is FOUND: " + outcome);
        }
    }

    /**
     * @param flow the flow found, owned by the result from now on.
     * @return a {@link Outcome#FOUND} result.
     */
    public static LookupResult found(final FlowRecord flow)
    {
        return new LookupResult(Outcome.FOUND, flow);
    }

    /** @return the {@link Outcome#NOT_FOUND} result. */
    public static LookupResult notFound()
    {
        return NOT_FOUND;
    }

    /** @return the {@link Outcome#NO_ANSWER} result. */
    public static LookupResult noAnswer()
    {
        return NO_ANSWER;
    }

    /** @return true when the worker holds a live flow of the key. */
    public boolean isFound()
    {
        return outcome == Outcome.FOUND;
    }
}
