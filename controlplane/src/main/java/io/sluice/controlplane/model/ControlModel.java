package io.sluice.controlplane.model;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

import io.sluice.controlplane.config.ConfigWriter;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.health.BackendHealth;
import io.sluice.controlplane.health.HealthCheckKind;
import io.sluice.controlplane.health.HealthPolicy;
import io.sluice.controlplane.stat.StatsSample;
import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.neighbour.NeighbourEntry;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.service.VirtualAddress;
import io.sluice.dataplane.worker.Dataplane;

import static io.sluice.controlplane.model.ChangeRejectedException.Reason;

/**
 * The one model of what the load balancer should do and the only path to the dataplane: the
 * desired configuration (network, timeouts, services with their backends, schedulers, flags,
 * health policies) plus the health of every backend. The configuration file (at start and on
 * SIGHUP), the API and the health checks all change it through here.
 * <p>
 * Every change is validated whole before anything happens (invalid input never changes state),
 * then turned into the dataplane's form ({@link EffectiveSpecs}: DOWN backends and drained ones at
 * weight 0, the sorry backend below quorum, least-response-time weights), applied, and the call
 * returns once every worker runs the new generation; when it fails, the previous state stays and a
 * {@link ChangeRejectedException} says why. Changes are serialized by one lock (this is the control
 * path, not the packet path); reads are lock-free on an immutable state. Each applied generation,
 * health transition, quorum change and loss of every backend is published on the {@link EventBus};
 * each configuration put in force is told to the {@link ConfigListener}s (the health checks follow it).
 * <p>
 * Each change that returns is timed in the {@link ControlLatency} from the start of its validation
 * to the confirmed generation, under the operation {@code add-service}, {@code update-service},
 * {@code remove-service}, {@code add-backend}, {@code remove-backend}, {@code set-weight},
 * {@code drain}, {@code set-health-policy}, {@code apply-config}, {@code reload}, {@code health}
 * (a health transition) or {@code response-time} (new least-response-time weights); refused changes
 * and dry runs are not.
 * <p>
 * As the metrics' {@link BackendHealthSource} it reports each backend's health, its transitions and
 * each service's standing as they are in force.
 */
public final class ControlModel implements BackendHealthSource
{
    /** Origin of changes made through the API. */
    public static final String ORIGIN_API = "api";
    /** Origin of a SIGHUP reload of the configuration file. */
    public static final String ORIGIN_RELOAD = "reload";
    /** Origin of {@code ApplyConfig}. */
    public static final String ORIGIN_APPLY = "apply";
    /** Origin of changes made by health transitions and by least-response-time weights. */
    public static final String ORIGIN_HEALTH = "health";
    /** The origin of a change of this LB's VRRP roles. */
    public static final String ORIGIN_VRRP = "vrrp";

    private static final System.Logger LOG = System.getLogger("sluice.control");

    private final DataplaneControl dataplane;
    private final EventBus events;
    private final ModelEvents modelEvents;
    private final Clock clock;
    private final HaState haState;
    private final ControlLatency latency = new ControlLatency();
    private final Object lock = new Object();
    private volatile ModelState state;
    private volatile Set<IpAddress> activeVirtualAddresses = Set.of();
    private int apiChangesSinceFile;

    /**
     * A model over a dataplane that runs {@link #initialSpecs(SluiceConfig)} of the configuration.
     *
     * @param config    the configuration the dataplane was started with.
     * @param dataplane the running dataplane.
     * @param events    where events are published.
     * @param clock     the wall clock of events and health timestamps.
     */
    public ControlModel(final SluiceConfig config, final DataplaneControl dataplane, final EventBus events, final Clock clock)
    {
        this.dataplane = dataplane;
        this.events = events;
        this.modelEvents = new ModelEvents(events);
        this.clock = clock;
        this.haState = new HaState(HaState.Role.STANDALONE, clock.instant());
        final EffectiveSpecs effective = EffectiveSpecs.of(config, Map.of());
        this.state = new ModelState(config, Map.of(), Map.of(), effective, config.settings(), effective.specs(),
            dataplane.snapshot().generation(), false);
    }

    /**
     * The services a dataplane starts with for a configuration: every backend UNKNOWN (counts as up).
     *
     * @param config the configuration.
     * @return the specs to start the dataplane with.
     */
    public static List<ServiceSpec> initialSpecs(final SluiceConfig config)
    {
        return EffectiveSpecs.of(config, Map.of()).specs();
    }

    /**
     * The desired configuration.
     *
     * @return the configuration in force, API changes included.
     */
    public SluiceConfig config()
    {
        return state.config();
    }

    /**
     * The generation every worker runs.
     *
     * @return the generation of the last applied change.
     */
    public long generation()
    {
        return state.generation();
    }

    /**
     * The event bus changes are published on.
     *
     * @return the bus.
     */
    public EventBus events()
    {
        return events;
    }

    /**
     * The latencies of the changes made through this model, for the metrics.
     *
     * @return the recorder, one operation per kind of change.
     */
    public ControlLatency controlLatency()
    {
        return latency;
    }

    /**
     * Tells a listener of every configuration put in force from now on.
     *
     * @param listener the listener; see {@link ConfigListener} for what it may do.
     */
    public void addConfigListener(final ConfigListener listener)
    {
        modelEvents.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Stops telling a listener.
     *
     * @param listener a listener added before.
     */
    public void removeConfigListener(final ConfigListener listener)
    {
        modelEvents.removeListener(listener);
    }

    /**
     * The high-availability state.
     *
     * @return standalone, since the model was made.
     */
    public HaState haState()
    {
        return haState;
    }

    /**
     * Every service as it runs.
     *
     * @return the services in configuration order.
     */
    public List<ServiceView> services()
    {
        final ModelState current = state;
        final List<ServiceView> views = new ArrayList<>(current.config().services().size());
        for (final ServiceSection service : current.config().services())
        {
            views.add(view(current, service));
        }
        return views;
    }

    /**
     * One service as it runs.
     *
     * @param key the service.
     * @return the service.
     * @throws ChangeRejectedException {@link Reason#NOT_FOUND} when no service has the key.
     */
    public ServiceView service(final ServiceKey key)
    {
        final ModelState current = state;
        return view(current, ServiceEdits.require(current.config(), key));
    }

    /**
     * The health of one backend (or sorry backend).
     *
     * @param backend the backend.
     * @return its status; UNKNOWN when no check has judged it (or it does not exist).
     */
    public BackendStatus health(final BackendRef backend)
    {
        return state.health().getOrDefault(backend, BackendStatus.UNKNOWN);
    }

    @Override
    public HealthState state(final ServiceKey service, final IpAddress backend)
    {
        return switch (health(new BackendRef(service, backend)).health())
        {
            case UP -> HealthState.UP;
            case DOWN -> HealthState.DOWN;
            case UNKNOWN -> HealthState.UNKNOWN;
        };
    }

    @Override
    public long transitions(final ServiceKey service, final IpAddress backend)
    {
        return health(new BackendRef(service, backend)).transitions();
    }

    @Override
    public ServiceHealth serviceHealth(final ServiceKey service)
    {
        final ModelState current = state;
        final ServiceCondition condition = current.effective().conditions().get(service);
        final ServiceSection section = ServiceEdits.find(current.config(), service);
        if (condition == null || section == null)
        {
            return null;
        }
        return new ServiceHealth(condition.serving(), section.quorum(), !condition.belowQuorum(), condition.sorryActive(),
            condition.noBackend());
    }

    /**
     * The counters of the dataplane.
     *
     * @return a sample of the stats file.
     */
    public StatsSample stats()
    {
        return dataplane.stats();
    }

    /**
     * The neighbour table of the dataplane: every next hop with its resolution state.
     *
     * @return the entries, in table order.
     */
    public List<NeighbourEntry> neighbours()
    {
        return dataplane.neighbours();
    }

    /**
     * The snapshot the dataplane runs, for mapping counters (by stable id) to services and backends.
     *
     * @return the snapshot in force.
     */
    public ServiceSnapshot snapshot()
    {
        return dataplane.snapshot();
    }

    /**
     * The desired configuration as YAML that {@link io.sluice.controlplane.config.ConfigLoader} reads back.
     *
     * @return the text, with a header comment naming the generation.
     */
    public String configYaml()
    {
        final ModelState current = state;
        return ConfigWriter.write(current.config(), List.of(
            "The running configuration of sluice (pid " + ProcessHandle.current().pid() + "), generation " +
                current.generation() + ", started from " + current.config().source() + ".",
            "sluice ctl apply -f FILE applies an edited copy; sluice run --config FILE starts from it."));
    }

    /**
     * Where a 5-tuple goes: the service it matches, the backend a new flow with it is scheduled to,
     * and whether a worker's flow table holds it. For a {@code fragments: l3} service the flow is
     * the client address's, with both ports 0, as the dataplane keys it.
     *
     * @param client     the client's address.
     * @param clientPort the client's port.
     * @param vip        the VIP.
     * @param vipPort    the VIP port.
     * @param protocol   6 or 17.
     * @return the prediction.
     * @throws ChangeRejectedException {@link Reason#INVALID_ARGUMENT} when the client and VIP families differ.
     */
    public FlowPrediction lookupFlow(
        final IpAddress client, final int clientPort, final IpAddress vip, final int vipPort, final int protocol)
    {
        if (client.ipv6() != vip.ipv6())
        {
            throw ChangeRejectedException.invalid("client address", client, "an address of the VIP's family (" +
                (vip.ipv6() ? "IPv6" : "IPv4") + "): a packet has one family");
        }
        final ServiceSnapshot snapshot = dataplane.snapshot();
        final Service service = snapshot.service(vip.hi(), vip.lo(), vipPort, protocol);
        final boolean l3 = service != null && service.l3Flows();
        final FlowKey key = new FlowKey();
        if (vip.ipv6())
        {
            key.setIpv6(client.hi(), client.lo(), vip.hi(), vip.lo(), l3 ? 0 : clientPort, l3 ? 0 : vipPort, protocol);
        }
        else
        {
            key.setIpv4(client.ipv4(), vip.ipv4(), l3 ? 0 : clientPort, l3 ? 0 : vipPort, protocol);
        }
        final long hash = key.hash();
        if (service == null)
        {
            return new FlowPrediction(null, hash, -1, null, FlowTableLookup.NOT_FOUND, snapshot.generation());
        }
        final Backend backend = scheduledBackend(service, key, hash);
        return new FlowPrediction(new ServiceKey(vip, vipPort, protocol), hash, MaglevTable.slotFor(hash, service.maglev().size()),
            backend == null ? null : backend.address(), dataplane.lookupFlow(key, hash), snapshot.generation());
    }

    /**
     * The backend the dataplane picks for a new flow, as the workers do it for the hash schedulers;
     * null for least connections and round robin, whose pick depends on each worker's state.
     */
    private static Backend scheduledBackend(final Service service, final FlowKey key, final long hash)
    {
        return switch (service.scheduler())
        {
            case MAGLEV -> service.pick(hash);
            case SOURCE_HASH -> service.pick(key.sourceHash());
            case LEAST_CONNECTIONS, ROUND_ROBIN -> null;
        };
    }

    /**
     * Adds a service.
     *
     * @param service the service.
     * @return the outcome.
     * @throws ChangeRejectedException ALREADY_EXISTS when a service has its key; INVALID_ARGUMENT,
     *                                 FAILED_PRECONDITION, NOT_CONFIRMED or UNAVAILABLE as for any change.
     */
    public ChangeResult addService(final ServiceSection service)
    {
        final ServiceKey key = ServiceKey.of(service);
        synchronized (lock)
        {
            final long startNs = System.nanoTime();
            final ModelState current = state;
            if (ServiceEdits.find(current.config(), key) != null)
            {
                throw new ChangeRejectedException(Reason.ALREADY_EXISTS, "service " + key + " exists already (UpdateService " +
                    "changes its settings, AddBackend its backends)");
            }
            ServiceValidation.validate(service);
            final List<ServiceSection> services = new ArrayList<>(current.config().services());
            services.add(service);
            return commitApiChange("add-service", startNs, current, current.config().withServices(services), key);
        }
    }

    /**
     * Changes a service: the edit gets the service as it is and returns it as it should be (same key).
     *
     * @param key  the service.
     * @param edit the change; it may throw a {@link ChangeRejectedException} itself.
     * @return the outcome.
     * @throws ChangeRejectedException NOT_FOUND without such a service, or as for any change.
     */
    public ChangeResult updateService(final ServiceKey key, final UnaryOperator<ServiceSection> edit)
    {
        return changeService("update-service", key, edit);
    }

    /**
     * Removes a service.
     *
     * @param key the service.
     * @return the outcome, without a service.
     * @throws ChangeRejectedException NOT_FOUND without such a service, or as for any change.
     */
    public ChangeResult removeService(final ServiceKey key)
    {
        synchronized (lock)
        {
            final long startNs = System.nanoTime();
            final ModelState current = state;
            ServiceEdits.require(current.config(), key);
            return commitApiChange("remove-service", startNs, current, ServiceEdits.remove(current.config(), key), null);
        }
    }

    /**
     * Adds a backend to a service.
     *
     * @param key     the service.
     * @param backend the backend.
     * @return the outcome.
     * @throws ChangeRejectedException NOT_FOUND without the service, ALREADY_EXISTS when it has the backend.
     */
    public ChangeResult addBackend(final ServiceKey key, final ServiceSection.BackendEntry backend)
    {
        return changeService("add-backend", key, ServiceEdits.addBackend(key, backend));
    }

    /**
     * Removes a backend from a service.
     *
     * @param key     the service.
     * @param address the backend's address.
     * @return the outcome.
     * @throws ChangeRejectedException NOT_FOUND without the service or the backend.
     */
    public ChangeResult removeBackend(final ServiceKey key, final IpAddress address)
    {
        return changeService("remove-backend", key, ServiceEdits.removeBackend(key, address));
    }

    /**
     * Sets a backend's configured weight; 0 drains it.
     *
     * @param key     the service.
     * @param address the backend's address.
     * @param weight  the weight, 0..65535.
     * @return the outcome.
     * @throws ChangeRejectedException NOT_FOUND without the service or the backend; INVALID_ARGUMENT for the weight.
     */
    public ChangeResult setWeight(final ServiceKey key, final IpAddress address, final int weight)
    {
        return changeService("set-weight", key, ServiceEdits.setWeight(key, address, weight));
    }

    /**
     * Drains a backend: weight 0, no new flows, established ones stay.
     *
     * @param key     the service.
     * @param address the backend's address.
     * @return the outcome.
     * @throws ChangeRejectedException NOT_FOUND without the service or the backend.
     */
    public ChangeResult drain(final ServiceKey key, final IpAddress address)
    {
        return changeService("drain", key, ServiceEdits.setWeight(key, address, 0));
    }

    /**
     * Sets a service's health-check policy. Turning checks off makes its backends UNKNOWN (up).
     *
     * @param key    the service.
     * @param policy the policy.
     * @return the outcome.
     * @throws ChangeRejectedException NOT_FOUND without the service.
     */
    public ChangeResult setHealthPolicy(final ServiceKey key, final HealthPolicy policy)
    {
        final HealthPolicy normalized = ServiceValidation.normalized(policy);
        return changeService("set-health-policy", key, service -> service.withHealthCheck(normalized));
    }

    /**
     * Replaces the network, timeouts and services with those of a validated configuration, as one
     * change. The sections that need a restart (dataplane, stats, api, metrics) are compared, not applied.
     *
     * @param loaded a configuration {@link io.sluice.controlplane.config.ConfigLoader} accepted.
     * @param dryRun only compute the changes.
     * @param origin {@link #ORIGIN_APPLY} or {@link #ORIGIN_RELOAD}.
     * @return the changes and the generation in force.
     * @throws ChangeRejectedException FAILED_PRECONDITION, NOT_CONFIRMED or UNAVAILABLE as for any change.
     */
    public ApplyResult applyConfig(final SluiceConfig loaded, final boolean dryRun, final String origin)
    {
        synchronized (lock)
        {
            final long startNs = System.nanoTime();
            final String operation = ORIGIN_RELOAD.equals(origin) ? "reload" : "apply-config";
            final ModelState current = state;
            final List<String> notApplied = ConfigDiff.restartOnly(current.config(), loaded);
            final SluiceConfig next = current.config().withReloadable(loaded);
            final List<ConfigChange> changes = ConfigDiff.between(current.config(), next);
            final String summary = ConfigDiff.summary(changes);
            if (!dryRun && ORIGIN_RELOAD.equals(origin) && apiChangesSinceFile > 0)
            {
                LOG.log(System.Logger.Level.WARNING, "the reload replaces {0} change(s) made through the API since the file " +
                    "was last applied (sluice ctl get shows the running configuration)", apiChangesSinceFile);
            }
            if (dryRun || changes.isEmpty())
            {
                if (!dryRun)
                {
                    latency.record(operation, System.nanoTime() - startNs);
                }
                return new ApplyResult(changes, false, current.generation(), notApplied, summary);
            }
            final String refusal = ServiceValidation.dataplaneRefusal(next);
            if (refusal != null)
            {
                throw new ChangeRejectedException(Reason.FAILED_PRECONDITION, refusal);
            }
            final long generation = commit(current, next, ModelState.prune(current.health(), next),
                ModelState.prune(current.latencies(), next), origin, summary);
            apiChangesSinceFile = ORIGIN_RELOAD.equals(origin) ? 0 : apiChangesSinceFile;
            latency.record(operation, System.nanoTime() - startNs);
            return new ApplyResult(changes, true, generation, notApplied, summary);
        }
    }

    /**
     * Takes a health-check verdict: a transition is published as an event and, when it changes what
     * the dataplane should run (a backend goes DOWN or comes back, a quorum is lost or regained),
     * applied as a new generation. Results for services, backends or sorry backends that no longer
     * exist, or whose checks are off, are ignored. Never throws: a failure to apply is logged, and the
     * model keeps the new health and applies it with the next change (the next transition, any
     * other change, or {@link #reapplyIfPending()}).
     *
     * The arguments are those of the health checker's listener, so it can be wired straight here.
     *
     * @param service   the service's name, {@link ServiceKey#name()}.
     * @param backend   the backend's (or the sorry backend's) address.
     * @param newState  its state now.
     * @param reason    why, in words, for the event (may be empty).
     * @param latencyNs duration of the check that decided it, 0 when no check did.
     */
    public void onHealthChange(
        final String service, final IpAddress backend, final BackendHealth newState, final String reason, final long latencyNs)
    {
        synchronized (lock)
        {
            final long startNs = System.nanoTime();
            final ModelState current = state;
            final ServiceSection section = ServiceEdits.findByName(current.config(), service);
            if (section == null || section.healthCheck().kind() == HealthCheckKind.NONE ||
                (section.backend(backend) == null && !backend.equals(section.sorry())))
            {
                return;
            }
            final BackendRef ref = new BackendRef(ServiceKey.of(section), backend);
            final BackendStatus old = current.health().getOrDefault(ref, BackendStatus.UNKNOWN);
            final boolean transition = old.health() != newState;
            final Map<BackendRef, BackendStatus> health = new HashMap<>(current.health());
            health.put(ref, new BackendStatus(newState, latencyNs, transition ? clock.instant() : old.since(),
                old.transitions() + (transition ? 1 : 0)));
            if (!transition)
            {
                state = current.withHealth(health);
                return;
            }
            modelEvents.healthChanged(ref, old.health(), newState, Objects.requireNonNullElse(reason, ""), latencyNs);
            if (applyHealth(current, Map.copyOf(health), ref + " " + newState.name()))
            {
                latency.record("health", System.nanoTime() - startNs);
            }
        }
    }

    /**
     * Takes the latest latencies of the backends of least-response-time services and applies the
     * weights they give when some weight in force would change by more than
     * {@link ResponseTimeWeights#SIGNIFICANT_CHANGE_PERCENT} percent; otherwise nothing changes
     * (the weights in force keep the latencies they came from). The caller calls it at most every
     * {@link ResponseTimeWeights#REAPPLY_PERIOD_NS} ({@link HealthSupervisor} does). Never throws: a
     * failure to apply is logged.
     *
     * @param measured the latency of each backend that has one, ns (the checks' moving average).
     * @return whether new weights were applied.
     */
    public boolean onResponseTimes(final Map<BackendRef, Long> measured)
    {
        synchronized (lock)
        {
            final long startNs = System.nanoTime();
            final ModelState current = state;
            final Map<BackendRef, Long> latencies = ModelState.prune(measured, current.config());
            final EffectiveSpecs candidate = EffectiveSpecs.of(current.config(), current.health(), latencies);
            if (!ResponseTimeWeights.significant(current.effective().weights(), candidate.weights()))
            {
                return false;
            }
            try
            {
                commit(current, current.config(), current.health(), latencies, ORIGIN_HEALTH,
                    ResponseTimeWeights.summary(current.effective().weights(), candidate.weights()));
                latency.record("response-time", System.nanoTime() - startNs);
                return true;
            }
            catch (final ChangeRejectedException ex)
            {
                LOG.log(System.Logger.Level.ERROR, "least-response-time weights not applied: {0}", ex.getMessage());
                return false;
            }
        }
    }

    /**
     * This LB's VRRP roles changed: the virtual addresses of the routers it is master of are answered
     * and forwarded from now on, the others not. Applies at once, and returns once every worker runs it.
     *
     * @param active the virtual addresses of the routers this LB is master of.
     * @param summary what changed, for the generation's event.
     * @return the generation in force.
     * @throws ChangeRejectedException when the dataplane did not take it (the roles stay recorded and
     *                                 go with the next change).
     */
    public long onVirtualRoles(final Set<IpAddress> active, final String summary)
    {
        synchronized (lock)
        {
            activeVirtualAddresses = Set.copyOf(active);
            final ModelState current = state;
            return commit(current, current.config(), current.health(), current.latencies(), ORIGIN_VRRP, summary);
        }
    }

    private static DataplaneSettings withRoles(final DataplaneSettings settings, final Set<IpAddress> active)
    {
        if (settings.virtualAddresses().isEmpty())
        {
            return settings;
        }
        final List<VirtualAddress> roles = new ArrayList<>(settings.virtualAddresses().size());
        for (final VirtualAddress address : settings.virtualAddresses())
        {
            roles.add(address.withActive(active.contains(address.address())));
        }
        return settings.withVirtualAddresses(roles);
    }

    /**
     * Applies the health the model knows when the dataplane does not run it yet, because the apply
     * after a health transition failed. Never throws: a failure is logged and left for the next try.
     *
     * @return whether something was pending and is applied now.
     */
    public boolean reapplyIfPending()
    {
        synchronized (lock)
        {
            final ModelState current = state;
            if (!current.pending())
            {
                return false;
            }
            return applyHealth(current, current.health(), "health changes not applied before");
        }
    }

    private ChangeResult changeService(final String operation, final ServiceKey key, final UnaryOperator<ServiceSection> edit)
    {
        synchronized (lock)
        {
            final long startNs = System.nanoTime();
            final ModelState current = state;
            final ServiceSection next = edit.apply(ServiceEdits.require(current.config(), key));
            if (!key.matches(next))
            {
                throw ChangeRejectedException.invalid("service key", ServiceKey.of(next), "the key of the service changed, " + key +
                    " (remove it and add another to change VIP, port or protocol)");
            }
            ServiceValidation.validate(next);
            return commitApiChange(operation, startNs, current, ServiceEdits.replace(current.config(), key, next), key);
        }
    }

    /**
     * Applies a health map with the configuration in force. On failure the model keeps the health
     * (the effective form stays what runs), so the next change applies it.
     */
    private boolean applyHealth(final ModelState current, final Map<BackendRef, BackendStatus> health, final String summary)
    {
        try
        {
            commit(current, current.config(), health, current.latencies(), ORIGIN_HEALTH, summary);
            return true;
        }
        catch (final ChangeRejectedException ex)
        {
            LOG.log(System.Logger.Level.ERROR, "health change not applied: {0}; the model keeps it and applies it with the next " +
                "change", ex.getMessage());
            if (ex.reason() != Reason.NOT_CONFIRMED)
            {
                state = state.withUnappliedHealth(health);
            }
            return false;
        }
    }

    private ChangeResult commitApiChange(
        final String operation, final long startNs, final ModelState current, final SluiceConfig next, final ServiceKey key)
    {
        final List<ConfigChange> changes = ConfigDiff.between(current.config(), next);
        if (changes.isEmpty())
        {
            latency.record(operation, System.nanoTime() - startNs);
            return new ChangeResult(current.generation(), "no change",
                key == null ? null : view(current, ServiceEdits.require(next, key)));
        }
        final String refusal = ServiceValidation.dataplaneRefusal(next);
        if (refusal != null)
        {
            throw new ChangeRejectedException(Reason.FAILED_PRECONDITION, refusal);
        }
        final String summary = ConfigDiff.summary(changes);
        final long generation = commit(current, next, ModelState.prune(current.health(), next),
            ModelState.prune(current.latencies(), next), ORIGIN_API, summary);
        apiChangesSinceFile++;
        latency.record(operation, System.nanoTime() - startNs);
        final ModelState applied = state;
        return new ChangeResult(generation, summary, key == null ? null : view(applied, ServiceEdits.require(applied.config(), key)));
    }

    /**
     * Applies a validated configuration with a health map and latencies: computes the dataplane's
     * form, applies it when it differs from what runs, installs the new state, publishes the events,
     * tells the listeners of a new configuration.
     */
    private long commit(
        final ModelState current, final SluiceConfig next, final Map<BackendRef, BackendStatus> health,
        final Map<BackendRef, Long> latencies, final String origin, final String summary)
    {
        final EffectiveSpecs effective = EffectiveSpecs.of(next, health, latencies);
        final DataplaneSettings settings = withRoles(next.settings(), activeVirtualAddresses);
        final boolean dataplaneChanges = !settings.equals(current.appliedSettings()) ||
            !effective.specs().equals(current.appliedSpecs());
        long generation = current.generation();
        if (dataplaneChanges)
        {
            try
            {
                generation = dataplane.apply(settings, effective.specs());
            }
            catch (final Dataplane.GenerationNotConfirmedException ex)
            {
                state = new ModelState(next, health, latencies, effective, settings, effective.specs(), ex.generation(),
                    false);
                modelEvents.applied(current.effective().conditions(), state, origin, summary);
                modelEvents.configApplied(current.config(), next);
                throw new ChangeRejectedException(Reason.NOT_CONFIRMED, "the change is in force as generation " + ex.generation() +
                    ", but not confirmed: " + ex.getMessage() + "; a worker may have stopped, see the daemon's log", ex);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ChangeRejectedException(Reason.FAILED_PRECONDITION, "the dataplane refused the change: " +
                    ex.getMessage() + "; nothing changed", ex);
            }
            catch (final IllegalStateException ex)
            {
                throw new ChangeRejectedException(Reason.UNAVAILABLE, "the dataplane did not take the change: " +
                    ex.getMessage() + "; nothing changed, try again", ex);
            }
        }
        state = new ModelState(next, health, latencies, effective, settings, effective.specs(), generation, false);
        if (dataplaneChanges)
        {
            modelEvents.applied(current.effective().conditions(), state, origin, summary);
        }
        else
        {
            modelEvents.conditions(current.effective().conditions(), effective.conditions(), next);
        }
        modelEvents.configApplied(current.config(), next);
        return generation;
    }

    private static ServiceView view(final ModelState current, final ServiceSection service)
    {
        final ServiceKey key = ServiceKey.of(service);
        final List<ServiceView.BackendView> backends = new ArrayList<>(service.backends().size());
        for (final ServiceSection.BackendEntry backend : service.backends())
        {
            final BackendRef ref = new BackendRef(key, backend.address());
            backends.add(new ServiceView.BackendView(backend.address(), backend.weight(),
                current.effective().weights().getOrDefault(ref, 0), current.health().getOrDefault(ref, BackendStatus.UNKNOWN)));
        }
        return new ServiceView(service, backends, current.effective().conditions().get(key));
    }
}
