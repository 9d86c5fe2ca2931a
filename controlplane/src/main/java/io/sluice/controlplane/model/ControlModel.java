package io.sluice.controlplane.model;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import io.sluice.controlplane.config.ApiSection;
import io.sluice.controlplane.config.ConfigWriter;
import io.sluice.controlplane.config.ServiceSection;
import io.sluice.controlplane.config.SluiceConfig;
import io.sluice.controlplane.health.BackendHealth;
import io.sluice.controlplane.health.HealthCheckKind;
import io.sluice.controlplane.health.HealthPolicy;
import io.sluice.controlplane.stat.StatsSample;
import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.service.ServiceSnapshot;
import io.sluice.dataplane.service.ServiceSpec;
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
 * weight 0, the sorry backend below quorum), applied, and the call returns once every worker runs
 * the new generation; when it fails, the previous state stays and a {@link ChangeRejectedException}
 * says why. Changes are serialized by one lock (this is the control path, not the packet path);
 * reads are lock-free on an immutable state. Each applied generation, health transition, quorum
 * change and loss of every backend is published on the {@link EventBus}.
 */
public final class ControlModel
{
    /** Origin of changes made through the API. */
    public static final String ORIGIN_API = "api";
    /** Origin of a SIGHUP reload of the configuration file. */
    public static final String ORIGIN_RELOAD = "reload";
    /** Origin of {@code ApplyConfig}. */
    public static final String ORIGIN_APPLY = "apply";
    /** Origin of changes made by health transitions. */
    public static final String ORIGIN_HEALTH = "health";

    private static final System.Logger LOG = System.getLogger("sluice.control");

    private final DataplaneControl dataplane;
    private final EventBus events;
    private final Clock clock;
    private final HaState haState;
    private final Object lock = new Object();
    private volatile State state;
    private int apiChangesSinceFile;

    private record State(
        SluiceConfig config, Map<BackendRef, BackendStatus> health, EffectiveSpecs effective, DataplaneSettings appliedSettings,
        List<ServiceSpec> appliedSpecs, long generation)
    {
    }

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
        this.clock = clock;
        this.haState = new HaState(HaState.Role.STANDALONE, clock.instant());
        final EffectiveSpecs effective = EffectiveSpecs.of(config, Map.of());
        this.state = new State(config, Map.of(), effective, config.settings(), effective.specs(), dataplane.snapshot().generation());
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
        final State current = state;
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
        final State current = state;
        return view(current, require(current.config(), key));
    }

    /**
     * The health of one backend.
     *
     * @param backend the backend.
     * @return its status; UNKNOWN when no check has judged it (or it does not exist).
     */
    public BackendStatus health(final BackendRef backend)
    {
        return state.health().getOrDefault(backend, BackendStatus.UNKNOWN);
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
        final State current = state;
        return ConfigWriter.write(current.config(), List.of(
            "The running configuration of sluice (pid " + ProcessHandle.current().pid() + "), generation " +
                current.generation() + ", started from " + current.config().source() + ".",
            "sluice ctl apply -f FILE applies an edited copy; sluice run --config FILE starts from it."));
    }

    /**
     * Where a 5-tuple goes: the service it matches, the backend a new flow with it is scheduled to,
     * and whether a worker's flow table holds it.
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
        final FlowKey key = new FlowKey();
        if (vip.ipv6())
        {
            key.setIpv6(client.hi(), client.lo(), vip.hi(), vip.lo(), clientPort, vipPort, protocol);
        }
        else
        {
            key.setIpv4(client.ipv4(), vip.ipv4(), clientPort, vipPort, protocol);
        }
        final long hash = key.hash();
        final Service service = snapshot.service(vip.hi(), vip.lo(), vipPort, protocol);
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
            final State current = state;
            if (find(current.config(), key) != null)
            {
                throw new ChangeRejectedException(Reason.ALREADY_EXISTS, "service " + key + " exists already (UpdateService " +
                    "changes its settings, AddBackend its backends)");
            }
            ServiceValidation.validate(service);
            final List<ServiceSection> services = new ArrayList<>(current.config().services());
            services.add(service);
            return commitApiChange(current, current.config().withServices(services), key);
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
        synchronized (lock)
        {
            final State current = state;
            final ServiceSection next = edit.apply(require(current.config(), key));
            if (!key.matches(next))
            {
                throw ChangeRejectedException.invalid("service key", ServiceKey.of(next), "the key of the service changed, " + key +
                    " (remove it and add another to change VIP, port or protocol)");
            }
            ServiceValidation.validate(next);
            final List<ServiceSection> services = new ArrayList<>();
            for (final ServiceSection service : current.config().services())
            {
                services.add(key.matches(service) ? next : service);
            }
            return commitApiChange(current, current.config().withServices(services), key);
        }
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
            final State current = state;
            require(current.config(), key);
            final List<ServiceSection> services = new ArrayList<>();
            for (final ServiceSection service : current.config().services())
            {
                if (!key.matches(service))
                {
                    services.add(service);
                }
            }
            return commitApiChange(current, current.config().withServices(services), null);
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
        return updateService(key, service ->
        {
            if (service.backend(backend.address()) != null)
            {
                throw new ChangeRejectedException(Reason.ALREADY_EXISTS, new BackendRef(key, backend.address()) +
                    " exists already (SetBackendWeight changes its weight)");
            }
            if (backend.address().equals(service.sorry()))
            {
                throw new ChangeRejectedException(Reason.FAILED_PRECONDITION, "service " + key + ": " + backend.address() +
                    " is its sorry backend; a backend cannot be both");
            }
            final List<ServiceSection.BackendEntry> backends = new ArrayList<>(service.backends());
            backends.add(backend);
            return service.withBackends(backends);
        });
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
        return updateService(key, service ->
        {
            requireBackend(key, service, address);
            final List<ServiceSection.BackendEntry> backends = new ArrayList<>();
            for (final ServiceSection.BackendEntry backend : service.backends())
            {
                if (!backend.address().equals(address))
                {
                    backends.add(backend);
                }
            }
            return service.withBackends(backends);
        });
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
        ServiceValidation.weight("weight", weight);
        return updateService(key, service ->
        {
            requireBackend(key, service, address);
            final List<ServiceSection.BackendEntry> backends = new ArrayList<>();
            for (final ServiceSection.BackendEntry backend : service.backends())
            {
                backends.add(backend.address().equals(address) ? new ServiceSection.BackendEntry(address, weight) : backend);
            }
            return service.withBackends(backends);
        });
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
        return setWeight(key, address, 0);
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
        return updateService(key, service -> service.withHealthCheck(normalized));
    }

    /**
     * Replaces the network, timeouts and services with those of a validated configuration, as one
     * change. The sections that need a restart (dataplane, stats, api) are compared, not applied.
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
            final State current = state;
            final List<String> notApplied = restartOnly(current.config(), loaded);
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
                return new ApplyResult(changes, false, current.generation(), notApplied, summary);
            }
            final String refusal = ServiceValidation.dataplaneRefusal(next);
            if (refusal != null)
            {
                throw new ChangeRejectedException(Reason.FAILED_PRECONDITION, refusal);
            }
            final long generation = commit(current, next, prune(current.health(), next), origin, summary);
            apiChangesSinceFile = ORIGIN_RELOAD.equals(origin) ? 0 : apiChangesSinceFile;
            return new ApplyResult(changes, true, generation, notApplied, summary);
        }
    }

    /**
     * Takes a health-check verdict: a transition is published as an event and, when it changes what
     * the dataplane should run (a backend goes DOWN or comes back, a quorum is lost or regained),
     * applied as a new generation. Results for services or backends that no longer exist, or whose
     * checks are off, are ignored. Never throws: a failure to apply is logged.
     *
     * The arguments are those of the health checker's listener, so it can be wired straight here.
     *
     * @param service   the service's name, {@link ServiceKey#name()}.
     * @param backend   the backend's address.
     * @param newState  its state now.
     * @param reason    why, in words, for the event (may be empty).
     * @param latencyNs duration of the check that decided it, 0 when no check did.
     */
    public void onHealthChange(
        final String service, final IpAddress backend, final BackendHealth newState, final String reason, final long latencyNs)
    {
        synchronized (lock)
        {
            final State current = state;
            final ServiceSection section = findByName(current.config(), service);
            if (section == null || section.backend(backend) == null || section.healthCheck().kind() == HealthCheckKind.NONE)
            {
                return;
            }
            final ServiceKey key = ServiceKey.of(section);
            final BackendRef ref = new BackendRef(key, backend);
            final BackendStatus old = current.health().getOrDefault(ref, BackendStatus.UNKNOWN);
            final Map<BackendRef, BackendStatus> health = new HashMap<>(current.health());
            health.put(ref, new BackendStatus(newState, latencyNs, old.health() == newState ? old.since() : clock.instant()));
            if (old.health() == newState)
            {
                state = new State(current.config(), Map.copyOf(health), current.effective(), current.appliedSettings(),
                    current.appliedSpecs(), current.generation());
                return;
            }
            events.publish(new ControlEvent.HealthChanged(key, backend, old.health(), newState,
                Objects.requireNonNullElse(reason, ""), latencyNs));
            LOG.log(System.Logger.Level.INFO, "{0}: {1} -> {2} {3}", ref, old.health(), newState,
                Objects.requireNonNullElse(reason, ""));
            applyHealth(current, Map.copyOf(health), ref + " " + newState.name());
        }
    }

    private void applyHealth(final State current, final Map<BackendRef, BackendStatus> health, final String summary)
    {
        try
        {
            commit(current, current.config(), health, ORIGIN_HEALTH, summary);
        }
        catch (final ChangeRejectedException ex)
        {
            LOG.log(System.Logger.Level.ERROR, "health change not applied: {0}", ex.getMessage());
            if (ex.reason() != Reason.NOT_CONFIRMED)
            {
                final State now = state;
                state = new State(now.config(), health, EffectiveSpecs.of(now.config(), health), now.appliedSettings(),
                    now.appliedSpecs(), now.generation());
            }
        }
    }

    private ChangeResult commitApiChange(final State current, final SluiceConfig next, final ServiceKey key)
    {
        final List<ConfigChange> changes = ConfigDiff.between(current.config(), next);
        if (changes.isEmpty())
        {
            return new ChangeResult(current.generation(), "no change", key == null ? null : view(current, require(next, key)));
        }
        final String refusal = ServiceValidation.dataplaneRefusal(next);
        if (refusal != null)
        {
            throw new ChangeRejectedException(Reason.FAILED_PRECONDITION, refusal);
        }
        final String summary = ConfigDiff.summary(changes);
        final long generation = commit(current, next, prune(current.health(), next), ORIGIN_API, summary);
        apiChangesSinceFile++;
        final State applied = state;
        return new ChangeResult(generation, summary, key == null ? null : view(applied, require(applied.config(), key)));
    }

    /**
     * Applies a validated configuration with a health map: computes the dataplane's form, applies it
     * when it differs from what runs, installs the new state, publishes the events.
     */
    private long commit(
        final State current, final SluiceConfig next, final Map<BackendRef, BackendStatus> health, final String origin,
        final String summary)
    {
        final EffectiveSpecs effective = EffectiveSpecs.of(next, health);
        final DataplaneSettings settings = next.settings();
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
                state = new State(next, health, effective, settings, effective.specs(), ex.generation());
                publishApplied(current, ex.generation(), origin, summary);
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
        state = new State(next, health, effective, settings, effective.specs(), generation);
        if (dataplaneChanges)
        {
            publishApplied(current, generation, origin, summary);
        }
        else
        {
            publishConditions(current.effective().conditions(), effective.conditions());
        }
        return generation;
    }

    private void publishApplied(final State before, final long generation, final String origin, final String summary)
    {
        LOG.log(System.Logger.Level.INFO, "generation {0} runs on every worker ({1}): {2}", Long.toString(generation), origin,
            summary);
        events.publish(new ControlEvent.GenerationApplied(generation, summary, origin));
        publishConditions(before.effective().conditions(), state.effective().conditions());
    }

    private void publishConditions(final Map<ServiceKey, ServiceCondition> before, final Map<ServiceKey, ServiceCondition> after)
    {
        final ServiceCondition none = new ServiceCondition(Integer.MAX_VALUE, false, false, false);
        for (final Map.Entry<ServiceKey, ServiceCondition> entry : after.entrySet())
        {
            final ServiceCondition old = before.getOrDefault(entry.getKey(), none);
            final ServiceCondition now = entry.getValue();
            if (old.belowQuorum() != now.belowQuorum() || old.sorryActive() != now.sorryActive())
            {
                final int quorum = require(state.config(), entry.getKey()).quorum();
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

    private static List<String> restartOnly(final SluiceConfig running, final SluiceConfig next)
    {
        final List<String> notApplied = new ArrayList<>();
        if (!running.dataplane().equals(next.dataplane()))
        {
            notApplied.add("dataplane: the device, workers, EAL, pools and flow table are set at start; the running ones stay " +
                "until a restart");
        }
        if (!running.statsFile().equals(next.statsFile()))
        {
            notApplied.add("stats: the daemon keeps publishing in " + running.statsFile() + " until a restart");
        }
        if (!sameApi(running.api(), next.api()))
        {
            notApplied.add("api: the API keeps its listen address, TLS and token until a restart");
        }
        return notApplied;
    }

    /**
     * Whether two API sections are the same, taking a section without a token for the running one
     * when the running token was given inline (GetConfig never writes an inline token).
     */
    private static boolean sameApi(final ApiSection running, final ApiSection next)
    {
        if (running == null || next == null || running.token() == null || running.tokenFile() != null || next.token() != null ||
            next.tokenFile() != null)
        {
            return Objects.equals(running, next);
        }
        return running.equals(new ApiSection(next.listenHost(), next.listenPort(), next.tlsCert(), next.tlsKey(), next.tlsClientCa(),
            running.token(), null));
    }

    private static Map<BackendRef, BackendStatus> prune(final Map<BackendRef, BackendStatus> health, final SluiceConfig next)
    {
        final Map<BackendRef, BackendStatus> kept = new HashMap<>();
        for (final ServiceSection service : next.services())
        {
            if (service.healthCheck().kind() == HealthCheckKind.NONE)
            {
                continue;
            }
            for (final ServiceSection.BackendEntry backend : service.backends())
            {
                final BackendRef ref = new BackendRef(ServiceKey.of(service), backend.address());
                final BackendStatus status = health.get(ref);
                if (status != null)
                {
                    kept.put(ref, status);
                }
            }
        }
        return Map.copyOf(kept);
    }

    private static ServiceView view(final State current, final ServiceSection service)
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

    private static void requireBackend(final ServiceKey key, final ServiceSection service, final IpAddress address)
    {
        if (service.backend(address) == null)
        {
            throw new ChangeRejectedException(Reason.NOT_FOUND, "service " + key + " has no backend " + address +
                " (GetService lists its backends)");
        }
    }

    private static ServiceSection require(final SluiceConfig config, final ServiceKey key)
    {
        final ServiceSection service = find(config, key);
        if (service == null)
        {
            throw new ChangeRejectedException(Reason.NOT_FOUND, "no service " + key + " (ListServices lists them)");
        }
        return service;
    }

    private static ServiceSection find(final SluiceConfig config, final ServiceKey key)
    {
        for (final ServiceSection service : config.services())
        {
            if (key.matches(service))
            {
                return service;
            }
        }
        return null;
    }

    private static ServiceSection findByName(final SluiceConfig config, final String name)
    {
        for (final ServiceSection service : config.services())
        {
            if (ServiceKey.of(service).name().equals(name))
            {
                return service;
            }
        }
        return null;
    }
}
