package io.sluice.controlplane.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.sluice.controlplane.config.Scheduler;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.health.BackendHealth;
import io.sluice.controlplane.health.HealthCheckKind;
import io.sluice.controlplane.health.HealthChecker;
import io.sluice.controlplane.health.HealthListener;
import io.sluice.controlplane.health.HealthPolicy;
import io.sluice.controlplane.health.HealthTarget;
import io.sluice.dataplane.service.IpAddress;

/**
 * Wires the health-check engine to the {@link ControlModel}: keeps the {@link HealthChecker}'s
 * targets equal to the model's services with checks on × their backends and sorry backend, each
 * service with its {@link HealthPolicy}, and forwards every transition to
 * {@link ControlModel#onHealthChange}, which publishes it and applies what it changes (a DOWN
 * backend leaves the Maglev table, quorum, sorry backend).
 * <p>
 * The targets follow the model: at start and after every configuration the model puts in force
 * (it is a {@link ConfigListener}), a service that is gone or whose checks are off loses its
 * targets, a backend that is gone loses its target, a new one gets one, and a changed policy
 * restarts the checks of the service's backends (their states kept). A target is named by
 * {@link ServiceKey#name()}, so a transition finds its service in the model again.
 * <p>
 * Every {@link ResponseTimeWeights#REAPPLY_PERIOD_NS} it hands the latencies of the backends of
 * {@code least-response-time} services to {@link ControlModel#onResponseTimes}, which applies new
 * weights only when one moves by more than {@link ResponseTimeWeights#SIGNIFICANT_CHANGE_PERCENT}
 * percent, and retries a health change whose apply failed ({@link ControlModel#reapplyIfPending()}).
 * <p>
 * Threads: the checker's own, one platform thread for the periodic work. Thread safe.
 */
public final class HealthSupervisor implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("sluice.health");

    private final ControlModel model;
    private final HealthChecker checker;
    private final ScheduledExecutorService periodic;
    private final ConfigListener listener = config -> synchronize();
    private final Object lock = new Object();
    private final Map<String, ServiceTargets> services = new HashMap<>();
    private boolean closed;
    /** Whether a followed service is least-response-time (under the lock). */
    private boolean anyByResponseTime;
    /** Whether the last {@link #refresh()} handed the model any latency (the periodic thread's only). */
    private boolean latenciesHanded;

    private record ServiceTargets(HealthPolicy policy, Set<HealthTarget> targets, boolean byResponseTime)
    {
    }

    private HealthSupervisor(final ControlModel model, final Function<HealthListener, HealthChecker> checkers)
    {
        this.model = model;
        this.checker = checkers.apply(this::onTransition);
        this.periodic = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sluice-health-weights").factory());
    }

    /**
     * Starts checking the backends of the model's services and follows its changes.
     *
     * @param model the model; the supervisor tells it every transition.
     * @return the running supervisor; close it before the model's dataplane.
     */
    public static HealthSupervisor start(final ControlModel model)
    {
        return start(model, HealthChecker::new, ResponseTimeWeights.REAPPLY_PERIOD_NS);
    }

    /**
     * Starts with a checker of the caller's making and another period (for tests).
     *
     * @param model    the model.
     * @param checkers makes the checker, given the listener it must tell.
     * @param periodNs how often latencies are handed to the model; 0 never (the caller calls {@link #refresh()}).
     * @return the running supervisor.
     */
    static HealthSupervisor start(
        final ControlModel model, final Function<HealthListener, HealthChecker> checkers, final long periodNs)
    {
        final HealthSupervisor supervisor = new HealthSupervisor(model, checkers);
        model.addConfigListener(supervisor.listener);
        supervisor.synchronize();
        if (periodNs > 0)
        {
            supervisor.periodic.scheduleWithFixedDelay(supervisor::refresh, periodNs, periodNs, TimeUnit.NANOSECONDS);
        }
        return supervisor;
    }

    /**
     * The checker, for its statuses and latencies.
     *
     * @return the checker this supervisor drives.
     */
    public HealthChecker checker()
    {
        return checker;
    }

    /**
     * Makes the checker's targets those of the configuration in force. Always reads the model's
     * latest configuration, so that calls racing with changes still end on the latest.
     */
    void synchronize()
    {
        synchronized (lock)
        {
            if (closed)
            {
                return;
            }
            final Map<String, ServiceTargets> desired = desired(model.config());
            for (final String gone : new ArrayList<>(services.keySet()))
            {
                if (!desired.containsKey(gone))
                {
                    checker.removeService(gone);
                    services.remove(gone);
                }
            }
            for (final Map.Entry<String, ServiceTargets> entry : desired.entrySet())
            {
                follow(entry.getKey(), services.get(entry.getKey()), entry.getValue());
            }
            anyByResponseTime = services.values().stream().anyMatch(ServiceTargets::byResponseTime);
        }
    }

    /**
     * Hands the latencies of least-response-time backends to the model, and retries a failed health apply.
     * With no such backend, and none handed latencies last time, it only retries: it allocates nothing
     * then, where handing an empty map would rebuild every service's effective weights each period.
     */
    void refresh()
    {
        try
        {
            List<HealthTarget> targets = List.of();
            synchronized (lock)
            {
                if (anyByResponseTime)
                {
                    targets = new ArrayList<>();
                    for (final ServiceTargets service : services.values())
                    {
                        if (service.byResponseTime())
                        {
                            targets.addAll(service.targets());
                        }
                    }
                }
            }
            if (targets.isEmpty() && !latenciesHanded)
            {
                model.reapplyIfPending();
                return;
            }
            final Map<BackendRef, Long> latencies = new HashMap<>();
            for (final HealthTarget target : targets)
            {
                final long latencyNs = checker.latencyNs(target);
                if (latencyNs > 0)
                {
                    latencies.put(new BackendRef(ServiceKey.parse(target.service()), IpAddress.of(target.address())), latencyNs);
                }
            }
            latenciesHanded = !latencies.isEmpty();
            if (!model.onResponseTimes(latencies))
            {
                model.reapplyIfPending();
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.log(System.Logger.Level.ERROR, "least-response-time refresh failed: " + ex, ex);
        }
    }

    /**
     * Stops following the model and stops every check. Idempotent.
     */
    @Override
    public void close()
    {
        model.removeConfigListener(listener);
        synchronized (lock)
        {
            closed = true;
            services.clear();
        }
        periodic.shutdownNow();
        checker.close();
    }

    private void onTransition(
        final HealthTarget target, final BackendHealth from, final BackendHealth to, final String reason, final long latencyNs)
    {
        model.onHealthChange(target.service(), IpAddress.of(target.address()), to, reason, latencyNs);
    }

    private void follow(final String name, final ServiceTargets running, final ServiceTargets wanted)
    {
        try
        {
            if (running != null && !running.policy().equals(wanted.policy()))
            {
                checker.updatePolicy(name, wanted.policy());
            }
            if (running != null)
            {
                for (final HealthTarget target : running.targets())
                {
                    if (!wanted.targets().contains(target))
                    {
                        checker.removeTarget(target);
                    }
                }
            }
            for (final HealthTarget target : wanted.targets())
            {
                checker.addTarget(target, wanted.policy());
            }
            services.put(name, wanted);
        }
        catch (final IllegalArgumentException ex)
        {
            LOG.log(System.Logger.Level.ERROR, "service {0}: its backends are not checked: {1}", name, ex.getMessage());
            checker.removeService(name);
            services.remove(name);
        }
    }

    private static Map<String, ServiceTargets> desired(final SluiceConfig config)
    {
        final Map<String, ServiceTargets> desired = new LinkedHashMap<>();
        for (final ServiceSection service : config.services())
        {
            if (service.healthCheck().kind() == HealthCheckKind.NONE)
            {
                continue;
            }
            final String name = ServiceKey.of(service).name();
            final Set<HealthTarget> targets = new LinkedHashSet<>();
            for (final ServiceSection.BackendEntry backend : service.backends())
            {
                targets.add(new HealthTarget(name, backend.address().toInetAddress(), service.port()));
            }
            if (service.sorry() != null)
            {
                targets.add(new HealthTarget(name, service.sorry().toInetAddress(), service.port()));
            }
            desired.put(name, new ServiceTargets(service.healthCheck(), Collections.unmodifiableSet(targets),
                service.scheduler() == Scheduler.LEAST_RESPONSE_TIME));
        }
        return desired;
    }
}
