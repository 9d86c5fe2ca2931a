package io.sluice.controlplane.model;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.health.BackendHealth;

/**
 * What the {@link ControlModel} publishes on its {@link EventBus} and logs: generations applied,
 * health transitions, quorum lost or regained, no backend for new flows; and the configurations it
 * puts in force, told to its {@link ConfigListener}s. One place, so that an event and its log line
 * always say the same.
 */
final class ModelEvents
{
    private static final System.Logger LOG = System.getLogger("sluice.control");
    private static final ServiceCondition NONE = new ServiceCondition(Integer.MAX_VALUE, false, false, false);

    private final EventBus events;
    private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();

    ModelEvents(final EventBus events)
    {
        this.events = events;
    }

    /**
     * A generation runs on every worker (or is published, unconfirmed), then the service conditions that changed with it.
     */
    void applied(
        final Map<ServiceKey, ServiceCondition> before, final ModelState after, final String origin, final String summary)
    {
        LOG.log(System.Logger.Level.INFO, "generation {0} runs on every worker ({1}): {2}", Long.toString(after.generation()), origin,
            summary);
        events.publish(new ControlEvent.GenerationApplied(after.generation(), summary, origin));
        conditions(before, after.effective().conditions(), after.config());
    }

    /**
     * A backend's health changed.
     */
    void healthChanged(
        final BackendRef backend, final BackendHealth oldState, final BackendHealth newState, final String reason,
        final long latencyNs)
    {
        events.publish(new ControlEvent.HealthChanged(backend.service(), backend.address(), oldState, newState, reason, latencyNs));
        LOG.log(System.Logger.Level.INFO, "{0}: {1} -> {2} {3}", backend, oldState, newState, reason);
    }

    /**
     * The services whose quorum or no-backend condition differs between two effective forms.
     */
    void conditions(
        final Map<ServiceKey, ServiceCondition> before, final Map<ServiceKey, ServiceCondition> after, final SluiceConfig config)
    {
        for (final Map.Entry<ServiceKey, ServiceCondition> entry : after.entrySet())
        {
            final ServiceCondition old = before.getOrDefault(entry.getKey(), NONE);
            final ServiceCondition now = entry.getValue();
            if (old.belowQuorum() != now.belowQuorum() || old.sorryActive() != now.sorryActive())
            {
                final int quorum = ServiceEdits.require(config, entry.getKey()).quorum();
                events.publish(new ControlEvent.QuorumChanged(entry.getKey(), now.belowQuorum(), now.serving(), quorum,
                    now.sorryActive()));
                LOG.log(System.Logger.Level.WARNING, "service {0}: quorum {1} ({2} of {3} backends serve){4}", entry.getKey(),
                    now.belowQuorum() ? "lost" : "regained", now.serving(), quorum,
                    now.sorryActive() ? ", the sorry backend takes new flows" : "");
            }
            if (old.noBackend() != now.noBackend())
            {
                events.publish(new ControlEvent.NoBackendChanged(entry.getKey(), now.noBackend()));
                LOG.log(now.noBackend() ? System.Logger.Level.WARNING : System.Logger.Level.INFO, "service {0}: {1}", entry.getKey(),
                    now.noBackend() ? "no backend takes new flows: they are dropped (reason no-backend)" :
                    "a backend takes new flows again");
            }
        }
    }

    void addListener(final ConfigListener listener)
    {
        listeners.add(listener);
    }

    void removeListener(final ConfigListener listener)
    {
        listeners.remove(listener);
    }

    /**
     * Tells the listeners of a configuration put in force, when it differs from the one before.
     */
    void configApplied(final SluiceConfig before, final SluiceConfig next)
    {
        if (before.equals(next))
        {
            return;
        }
        for (final ConfigListener listener : listeners)
        {
            try
            {
                listener.onConfigApplied(next);
            }
            catch (final RuntimeException ex)
            {
                LOG.log(System.Logger.Level.ERROR, "a configuration listener failed: " + ex, ex);
            }
        }
    }
}
