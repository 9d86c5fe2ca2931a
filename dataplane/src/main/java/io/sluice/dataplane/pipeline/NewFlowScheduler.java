package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.flow.FlowTable;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.Scheduler;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;

/**
 * Picks the backend of a new flow by its service's {@link Scheduler}: Maglev on the flow hash or
 * on the client address alone, weighted least connections over the worker's own flow table, or
 * smooth weighted round robin with the worker's own credits. One per worker, on its thread.
 */
final class NewFlowScheduler
{
    private final FlowTable flowTable;
    private final long[] roundRobinCredit = new long[ServiceSnapshot.MAX_BACKENDS];

    NewFlowScheduler(final FlowTable flowTable)
    {
        this.flowTable = flowTable;
    }

    /**
     * The backend of a new flow, by the service's scheduler (see {@link Scheduler}).
     *
     * @param service the flow's service.
     * @param key     the flow.
     * @param hash    {@code key.hash()}.
     * @return the backend, or null when no backend takes new flows.
     */
    Backend pick(final Service service, final FlowKey key, final long hash)
    {
        return switch (service.scheduler())
        {
            case MAGLEV -> service.pick(hash);
            case SOURCE_HASH -> service.pick(key.sourceHash());
            case LEAST_CONNECTIONS -> leastConnections(service);
            case ROUND_ROBIN -> roundRobin(service);
        };
    }

    /** Weighted least connections over this worker's flow table: min (flows + 1) / weight, first on ties. */
    private Backend leastConnections(final Service service)
    {
        Backend best = null;
        long bestFlows = 0;
        long bestWeight = 0;
        for (int i = 0, count = service.backendCount(); i < count; i++)
        {
            final Backend backend = service.backend(i);
            final int weight = backend.weight();
            if (weight > 0)
            {
                final long flows = flowTable.flowsOf(backend.id()) + 1L;
                if (best == null || flows * bestWeight < bestFlows * weight)
                {
                    best = backend;
                    bestFlows = flows;
                    bestWeight = weight;
                }
            }
        }
        return best;
    }

    /**
     * Smooth weighted round robin: every backend's credit grows by its weight, the one with the most
     * credit is picked and pays the total weight back. Over any window of total-weight picks each
     * backend is picked weight times, spread out rather than in runs.
     */
    private Backend roundRobin(final Service service)
    {
        Backend best = null;
        long bestCredit = Long.MIN_VALUE;
        long total = 0;
        for (int i = 0, count = service.backendCount(); i < count; i++)
        {
            final Backend backend = service.backend(i);
            final int weight = backend.weight();
            if (weight > 0)
            {
                final long credit = roundRobinCredit[backend.id()] + weight;
                roundRobinCredit[backend.id()] = credit;
                total += weight;
                if (credit > bestCredit)
                {
                    best = backend;
                    bestCredit = credit;
                }
            }
        }
        if (best != null)
        {
            roundRobinCredit[best.id()] -= total;
        }
        return best;
    }
}
