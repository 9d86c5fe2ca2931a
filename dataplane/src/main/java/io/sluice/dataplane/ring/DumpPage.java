package io.sluice.dataplane.ring;

import java.util.List;

/**
 * One slice of a worker's flow table, the answer to {@link WorkerProxy#dump}: the live flows the
 * worker found from the handle asked for on, and where the next slice starts. Enumerate a table by
 * asking again from {@link #nextHandle()} until {@link #isLast()}.
 *
 * @param answered   false when the worker did not answer in time; the page is then empty and
 *                   {@code nextHandle} is the handle asked for, so the caller can ask again.
 * @param flows      copies of the flows, owned by the caller, in handle order; unmodifiable.
 * @param nextHandle the handle to ask the next page from, {@link FlowReplyRing#END_OF_TABLE} when the table is done.
 */
public record DumpPage(boolean answered, List<FlowRecord> flows, int nextHandle)
{
    /**
     * Makes the list unmodifiable.
     */
    public DumpPage
    {
        flows = List.copyOf(flows);
    }

    /**
     * @param fromHandle the handle that was asked for.
     * @return a page that says the worker did not answer.
     */
    public static DumpPage noAnswer(final int fromHandle)
    {
        return new DumpPage(false, List.of(), fromHandle);
    }

    /** @return true when the worker answered and the table has no flows after this page. */
    public boolean isLast()
    {
        return answered && nextHandle == FlowReplyRing.END_OF_TABLE;
    }
}
