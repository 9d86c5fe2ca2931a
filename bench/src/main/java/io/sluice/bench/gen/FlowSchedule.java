package io.sluice.bench.gen;

/**
 * Which client tuple each packet belongs to. A share of {@code newFlowsPpm} parts per million of
 * the packets, spread evenly by an accumulator, open a tuple never used before, numbered from
 * {@code flows} up (when the client space runs out the numbering starts again at {@code flows} and
 * each reused tuple is counted); the others cycle through the established tuples 0 to
 * {@code flows - 1}. A packet is its flow's first (a TCP SYN) when it opens a new tuple or visits an
 * established one for the first time.
 */
final class FlowSchedule
{
    private final int flows;
    private final int newFlowsPpm;
    private final long tupleSpace;
    private long accumulator;
    private long nextNewTuple;
    private boolean wrapped;
    private int nextEstablished;
    private boolean firstLap = true;
    private boolean first;
    private boolean opensNewTuple;
    private boolean reused;

    /**
     * @param flows       established flows, 1 to {@code tupleSpace}.
     * @param newFlowsPpm parts per million of packets that open a new tuple.
     * @param tupleSpace  distinct tuples the client space has.
     */
    FlowSchedule(final int flows, final int newFlowsPpm, final long tupleSpace)
    {
        this.flows = flows;
        this.newFlowsPpm = newFlowsPpm;
        this.tupleSpace = tupleSpace;
        this.nextNewTuple = flows;
    }

    /**
     * Picks the next packet's tuple.
     *
     * @return the tuple's number; {@link #first()}, {@link #opensNewTuple()} and {@link #reused()} describe it.
     */
    long next()
    {
        accumulator += newFlowsPpm;
        if (accumulator >= GenConfig.MILLION)
        {
            accumulator -= GenConfig.MILLION;
            if (nextNewTuple >= tupleSpace)
            {
                nextNewTuple = flows < tupleSpace ? flows : 0;
                wrapped = true;
            }
            first = true;
            opensNewTuple = true;
            reused = wrapped;
            return nextNewTuple++;
        }
        final int tuple = nextEstablished;
        first = firstLap;
        opensNewTuple = false;
        reused = false;
        if (++nextEstablished == flows)
        {
            nextEstablished = 0;
            firstLap = false;
        }
        return tuple;
    }

    /**
     * @return whether the last tuple's packet is its flow's first.
     */
    boolean first()
    {
        return first;
    }

    /**
     * @return whether the last tuple is a new one (not an established flow's).
     */
    boolean opensNewTuple()
    {
        return opensNewTuple;
    }

    /**
     * @return whether the last new tuple was used before (the client space ran out).
     */
    boolean reused()
    {
        return reused;
    }
}
