package io.sluice.sync;

import java.util.List;
import java.util.Objects;

import io.sluice.dataplane.ring.DumpPage;
import io.sluice.dataplane.ring.FlowRecord;
import io.sluice.dataplane.ring.WorkerProxy;

/**
 * Walks every worker's flow table a page at a time (one page asked per step at most), through the workers' command rings (no other
 * thread reads a table), and hands the live flows to a sink, paced by the caller: the source of a
 * bulk transfer to a peer that (re)started, and of the periodic refresh of long-lived flows.
 * <p>
 * A walk visits worker 0's table from its first slot to its end, then worker 1's, and so on. Each
 * {@link #step} asks for at most one page and hands on at most the flows asked for; a sink that
 * refuses a flow (its batch is full) gets the same flow again at the next step, so none is skipped.
 * A worker that does not answer a page in time is asked again at the next step: the walk stalls
 * rather than skips. Asking is synchronous: a step waits for the worker's page, microseconds from a
 * running worker, but up to the page timeout from a stalled one, and the agent's cycle with it. Flows that come and go during a walk may be missed or seen twice, as with any
 * walk of a live table; the event stream covers the flows that begin meanwhile.
 * <p>
 * One thread: the sync agent's.
 */
public final class TableWalker
{
    /** Flows asked of a worker per page. */
    public static final int PAGE_FLOWS = 256;

    private final List<WorkerProxy> workers;
    private final long pageTimeoutNs;
    private final boolean localOnly;
    private int worker;
    private int nextHandle;
    private List<FlowRecord> page = List.of();
    private int pageIndex;
    private boolean pageLast;
    private boolean walking;
    private long flowsHanded;
    private long timeouts;

    /**
     * @param workers       the workers' proxies.
     * @param pageTimeoutNs how long to wait for a worker's page.
     * @param localOnly     hand on only the flows this LB forwarded last ({@link FlowRecord#FLAG_LOCAL}): a refresh
     *                      walk; false for a bulk transfer, which sends every flow the tables hold.
     */
    public TableWalker(final List<WorkerProxy> workers, final long pageTimeoutNs, final boolean localOnly)
    {
        this.workers = List.copyOf(workers);
        this.pageTimeoutNs = pageTimeoutNs;
        this.localOnly = localOnly;
        if (this.workers.isEmpty())
        {
            throw new IllegalArgumentException("no worker to walk");
        }
    }

    /** Starts a walk from the first slot of the first worker's table, dropping one under way. */
    public void start()
    {
        worker = 0;
        nextHandle = 0;
        page = List.of();
        pageIndex = 0;
        pageLast = false;
        walking = true;
        flowsHanded = 0;
    }

    /** @return whether a walk is under way. */
    public boolean walking()
    {
        return walking;
    }

    /**
     * Hands on up to {@code maxFlows} flows, asking a worker for a page when the current one is used up.
     *
     * @param sink     takes each flow, or refuses it (false) to stop this step.
     * @param maxFlows most flows to hand on in this step.
     * @return flows the sink took.
     */
    public int step(final FlowSink sink, final int maxFlows)
    {
        Objects.requireNonNull(sink, "sink");
        int handed = 0;
        boolean asked = false;
        while (walking && handed < maxFlows)
        {
            if (pageIndex == page.size())
            {
                // One page asked per step at most, so that a sparse table or a stalled worker does not
                // hold the caller's cycle for a run of round trips.
                if (asked || !nextPage())
                {
                    break;
                }
                asked = true;
                continue;
            }
            final FlowRecord flow = page.get(pageIndex);
            if (!localOnly || (flow.flags() & FlowRecord.FLAG_LOCAL) != 0)
            {
                if (!sink.onFlow(flow))
                {
                    break;
                }
                handed++;
                flowsHanded++;
            }
            pageIndex++;
        }
        return handed;
    }

    /** Moves to the next page, or the next worker; false when the worker did not answer or the walk ended. */
    private boolean nextPage()
    {
        if (pageLast)
        {
            worker++;
            nextHandle = 0;
            pageLast = false;
            if (worker == workers.size())
            {
                walking = false;
                page = List.of();
                pageIndex = 0;
                return false;
            }
        }
        final DumpPage answer = workers.get(worker).dump(nextHandle, PAGE_FLOWS, pageTimeoutNs);
        if (!answer.answered())
        {
            timeouts++;
            return false;
        }
        page = answer.flows();
        pageIndex = 0;
        pageLast = answer.isLast();
        nextHandle = answer.nextHandle();
        return true;
    }

    /** @return the worker whose table the walk is in, or the worker count once it ended. */
    public int worker()
    {
        return walking ? worker : workers.size();
    }

    /** @return flows handed on since the walk started. */
    public long flowsHanded()
    {
        return flowsHanded;
    }

    /** @return pages a worker did not answer in time, since this walker was made. */
    public long timeouts()
    {
        return timeouts;
    }

    /** Takes the flows of a walk. */
    @FunctionalInterface
    public interface FlowSink
    {
        /**
         * @param flow a live flow; valid during the call only.
         * @return true when taken, false to be offered it again at the next step.
         */
        boolean onFlow(FlowRecord flow);
    }
}
