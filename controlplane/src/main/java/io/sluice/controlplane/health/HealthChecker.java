package io.sluice.controlplane.health;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongUnaryOperator;

import static java.lang.System.Logger.Level.WARNING;

/**
 * Runs the health checks of many (service, backend) targets and reports every state transition.
 * <p>
 * Each target is checked on its own schedule: the first check after a random delay in
 * {@code [0, interval)} so that the checks of a service do not all fire together, then one every
 * {@code interval} from the start of the previous one, and never before the previous check of the
 * same target has its result (a probe that ignores its own timeout is abandoned after
 * {@link #PROBE_GRACE_MS}). The policy belongs to the service: changing it restarts the checks of every
 * backend of that service (state kept, runs counted afresh; a policy of kind
 * {@link HealthCheckKind#NONE} puts the backends back to {@link BackendHealth#UNKNOWN}). Removing a
 * target cancels its next check and drops the result of one in flight.
 * <p>
 * Threads: one platform thread schedules; TCP, HTTP, HTTPS and UDP checks block on virtual threads
 * (one per check); ICMP checks block on platform threads from a cached pool, because
 * {@code InetAddress.isReachable} is a native call that would pin a virtual thread's carrier (at most
 * one thread per ICMP target, since checks of a target never overlap); one platform thread delivers
 * events to the {@link HealthListener}. A probe never throws into the scheduler: any exception, and
 * a probe that does not give up within its timeout plus {@link #PROBE_GRACE_MS}, is a failure.
 * <p>
 * Latency for least-response-time weighting: the moving average of successful check latencies,
 * {@code avg = alpha * sample + (1 - alpha) * avg} with {@link #LATENCY_EWMA_ALPHA} 0.3, seeded by the
 * first sample. A sample's weight falls below 5% after 9 more samples, i.e. about 18 s at the
 * default 2 s interval: recent enough to follow a slowing backend, smooth enough to ignore one slow
 * check. Failures do not enter it.
 * <p>
 * Thread safe. {@link #close()} stops everything promptly: checks in flight are interrupted (an
 * ICMP check in its native call finishes within its timeout, its result ignored).
 */
public final class HealthChecker implements AutoCloseable
{
    /** Weight of the newest sample in the latency moving average. */
    public static final double LATENCY_EWMA_ALPHA = 0.3;

    /** The latency reported for a target without a successful check yet. */
    public static final long NO_LATENCY = -1L;

    /** How long past its timeout a probe's result is waited for before the check counts as timed out. */
    public static final long PROBE_GRACE_MS = 1000L;

    static final String CHECKS_DISABLED = "health checks disabled";

    private static final System.Logger LOG = System.getLogger("sluice.health");
    private static final long CLOSE_WAIT_MS = 2000L;

    private final HealthListener listener;
    private final LongUnaryOperator initialDelay;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ServiceChecks> services = new HashMap<>();
    private final Map<HealthCheckKind, HealthProbe> probes = new EnumMap<>(HealthCheckKind.class);
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService probeThreads;
    private final ExecutorService icmpThreads;
    private final ExecutorService events;
    private volatile Thread eventThread;
    private boolean closed;

    /**
     * A checker with the standard probes, started and checking nothing yet.
     *
     * @param listener told of every transition.
     */
    public HealthChecker(final HealthListener listener)
    {
        this(listener, Map.of(), (intervalNs) -> ThreadLocalRandom.current().nextLong(intervalNs));
    }

    /**
     * A checker where some kinds use the given probes instead of the standard ones and the first
     * check's delay is chosen by the caller (for tests).
     *
     * @param listener       told of every transition.
     * @param probeOverrides probes by kind; kinds not in it use the standard probe.
     * @param initialDelay   the delay of a target's first check, in [0, interval), given the interval in ns.
     */
    HealthChecker(
        final HealthListener listener,
        final Map<HealthCheckKind, HealthProbe> probeOverrides,
        final LongUnaryOperator initialDelay)
    {
        if (listener == null)
        {
            throw new IllegalArgumentException("listener must not be null");
        }
        this.listener = listener;
        this.initialDelay = initialDelay;
        scheduler = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("sluice-health-scheduler").factory());
        scheduler.setRemoveOnCancelPolicy(true);
        probeThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sluice-health-probe-", 0).factory());
        icmpThreads = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("sluice-health-icmp-", 0).factory());
        events = Executors.newSingleThreadExecutor((task) ->
        {
            final Thread thread = Thread.ofPlatform().daemon().name("sluice-health-events").unstarted(task);
            eventThread = thread;
            return thread;
        });
        probes.put(HealthCheckKind.ICMP, new IcmpEchoProbe(icmpThreads));
        probes.put(HealthCheckKind.TCP, new TcpConnectProbe(probeThreads));
        probes.put(HealthCheckKind.HTTP, HttpGetProbe.http(probeThreads));
        probes.put(HealthCheckKind.HTTPS, HttpGetProbe.https(probeThreads));
        probes.put(HealthCheckKind.UDP, new UdpProbe(probeThreads));
        probes.putAll(probeOverrides);
    }

    /**
     * Adds a target, or changes its service's policy, or both. The policy is the service's: when it
     * differs from the one the service's other targets use, they all restart with it.
     * Adding a target that is already there with the same policy changes nothing.
     * A new target starts {@link BackendHealth#UNKNOWN} without an event.
     *
     * @param target the backend of a service.
     * @param policy the service's policy.
     * @throws IllegalArgumentException when a check of this kind has no port to probe (the policy's
     *                                  port and the service's are both 0); nothing changes then.
     * @throws IllegalStateException    after {@link #close()}.
     */
    public void addTarget(final HealthTarget target, final HealthPolicy policy)
    {
        requireArguments(target, policy);
        lock.lock();
        try
        {
            ensureOpen();
            requirePort(target, policy);
            final ServiceChecks service = services.computeIfAbsent(target.service(), (name) -> new ServiceChecks(policy));
            if (!service.policy.equals(policy))
            {
                changePolicy(service, policy);
            }
            if (!service.checks.containsKey(target))
            {
                final TargetCheck check = new TargetCheck(target, policy);
                service.checks.put(target, check);
                if (policy.kind() == HealthCheckKind.NONE)
                {
                    check.lastReason = CHECKS_DISABLED;
                }
                else
                {
                    scheduleCheck(check, initialDelayNs(policy));
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Changes a service's policy and restarts the checks of all its targets with it.
     *
     * @param service the service.
     * @param policy  its new policy.
     * @return how many targets restarted: 0 when the service has none or the policy is the same.
     * @throws IllegalArgumentException when a target would have no port to probe; nothing changes then.
     * @throws IllegalStateException    after {@link #close()}.
     */
    public int updatePolicy(final String service, final HealthPolicy policy)
    {
        if (service == null || policy == null)
        {
            throw new IllegalArgumentException("service and policy must not be null");
        }
        lock.lock();
        try
        {
            ensureOpen();
            final ServiceChecks checks = services.get(service);
            if (checks == null || checks.policy.equals(policy))
            {
                return 0;
            }
            return changePolicy(checks, policy);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Stops checking a target: its next check is cancelled and the result of one in flight ignored.
     * No event is sent.
     *
     * @param target the target.
     * @return whether it was being checked.
     */
    public boolean removeTarget(final HealthTarget target)
    {
        if (target == null)
        {
            return false;
        }
        lock.lock();
        try
        {
            final ServiceChecks service = services.get(target.service());
            final TargetCheck check = service == null ? null : service.checks.remove(target);
            if (check == null)
            {
                return false;
            }
            stop(check);
            if (service.checks.isEmpty())
            {
                services.remove(target.service());
            }
            return true;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Stops checking every target of a service.
     *
     * @param service the service.
     * @return how many targets it had.
     */
    public int removeService(final String service)
    {
        lock.lock();
        try
        {
            final ServiceChecks checks = services.remove(service);
            if (checks == null)
            {
                return 0;
            }
            for (final TargetCheck check : checks.checks.values())
            {
                stop(check);
            }
            return checks.checks.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The health of one target.
     *
     * @param target the target.
     * @return its status, or empty when it is not being checked.
     */
    public Optional<HealthStatus> status(final HealthTarget target)
    {
        lock.lock();
        try
        {
            final ServiceChecks service = target == null ? null : services.get(target.service());
            final TargetCheck check = service == null ? null : service.checks.get(target);
            return check == null ? Optional.empty() : Optional.of(check.status());
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The health of every target, as one consistent snapshot.
     *
     * @return the statuses, grouped by service, targets in the order they were added.
     */
    public List<HealthStatus> statuses()
    {
        lock.lock();
        try
        {
            final List<HealthStatus> statuses = new ArrayList<>();
            for (final ServiceChecks service : services.values())
            {
                for (final TargetCheck check : service.checks.values())
                {
                    statuses.add(check.status());
                }
            }
            return statuses;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The moving average of a target's successful check latencies, for least-response-time weighting.
     *
     * @param target the target.
     * @return nanoseconds, or {@link #NO_LATENCY} before its first success or when not checked.
     */
    public long latencyNs(final HealthTarget target)
    {
        return status(target).map(HealthStatus::latencyEwmaNs).orElse(NO_LATENCY);
    }

    /**
     * Stops all checks and threads and returns once they have stopped (bounded by a couple of
     * seconds for a listener that is still running). No listener call starts after this returns.
     * Idempotent.
     */
    @Override
    public void close()
    {
        lock.lock();
        try
        {
            if (closed)
            {
                return;
            }
            closed = true;
            for (final ServiceChecks service : services.values())
            {
                for (final TargetCheck check : service.checks.values())
                {
                    stop(check);
                }
            }
            services.clear();
        }
        finally
        {
            lock.unlock();
        }
        scheduler.shutdownNow();
        probeThreads.shutdownNow();
        icmpThreads.shutdownNow();
        events.shutdownNow();
        awaitTermination(scheduler);
        awaitTermination(probeThreads);
        if (Thread.currentThread() != eventThread)
        {
            awaitTermination(events);
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        lock.lock();
        try
        {
            return closed;
        }
        finally
        {
            lock.unlock();
        }
    }

    private int changePolicy(final ServiceChecks service, final HealthPolicy policy)
    {
        for (final TargetCheck check : service.checks.values())
        {
            requirePort(check.target, policy);
        }
        service.policy = policy;
        for (final TargetCheck check : service.checks.values())
        {
            check.use(policy);
            if (policy.kind() == HealthCheckKind.NONE)
            {
                disable(check);
            }
            else
            {
                check.machine.restart(policy.rise(), policy.fall());
                scheduleCheck(check, initialDelayNs(policy));
            }
        }
        return service.checks.size();
    }

    private void disable(final TargetCheck check)
    {
        final BackendHealth before = check.machine.state();
        check.machine.reset();
        check.forgetLatency();
        check.lastReason = CHECKS_DISABLED;
        if (before != BackendHealth.UNKNOWN)
        {
            publish(check.target, before, BackendHealth.UNKNOWN, CHECKS_DISABLED, 0L);
        }
    }

    private void stop(final TargetCheck check)
    {
        check.removed = true;
        check.cancelNextCheck();
    }

    private void scheduleCheck(final TargetCheck check, final long delayNs)
    {
        final long generation = check.generation;
        check.nextCheck = scheduler.schedule(() -> runCheck(check, generation), delayNs, TimeUnit.NANOSECONDS);
    }

    private void runCheck(final TargetCheck check, final long generation)
    {
        final HealthPolicy policy;
        final InetSocketAddress address;
        lock.lock();
        try
        {
            if (isStale(check, generation))
            {
                return;
            }
            policy = check.policy;
            address = check.probeAddress;
            check.lastStartNs = System.nanoTime();
            check.nextCheck = null;
        }
        finally
        {
            lock.unlock();
        }
        final CompletableFuture<ProbeResult> result = startProbe(policy, address);
        result
            .completeOnTimeout(
                ProbeResult.failure(policy.timeout().toNanos(), "timeout after " + policy.timeoutMs() + " ms"),
                policy.timeout().toMillis() + PROBE_GRACE_MS, TimeUnit.MILLISECONDS)
            .whenComplete((outcome, failure) -> onResult(check, generation, outcome, failure, policy));
    }

    private CompletableFuture<ProbeResult> startProbe(final HealthPolicy policy, final InetSocketAddress address)
    {
        try
        {
            final CompletableFuture<ProbeResult> result = probes.get(policy.kind()).probe(address, policy);
            return result != null ? result : CompletableFuture.completedFuture(ProbeResult.failure(0, "probe gave no result"));
        }
        catch (final Throwable ex)
        {
            return CompletableFuture.completedFuture(ProbeResult.failure(0, ProbeRunner.reason(ex, policy.timeoutMs())));
        }
    }

    private void onResult(
        final TargetCheck check, final long generation, final ProbeResult outcome, final Throwable failure,
        final HealthPolicy policy)
    {
        final ProbeResult result = failure != null ? ProbeResult.failure(0, ProbeRunner.reason(failure, policy.timeoutMs())) :
            outcome != null ? outcome : ProbeResult.failure(0, "probe gave no result");
        lock.lock();
        try
        {
            if (isStale(check, generation))
            {
                return;
            }
            try
            {
                apply(check, result);
            }
            finally
            {
                final long delayNs = check.lastStartNs + policy.intervalNs() - System.nanoTime();
                scheduleCheck(check, Math.max(0L, delayNs));
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    private void apply(final TargetCheck check, final ProbeResult result)
    {
        check.lastReason = result.reason();
        if (result.success())
        {
            check.recordLatency(result.latencyNs());
        }
        final BackendHealth before = check.machine.state();
        final BackendHealth after = check.machine.onResult(result.success());
        if (after != before)
        {
            publish(check.target, before, after, result.reason(), result.latencyNs());
        }
    }

    private void publish(
        final HealthTarget target, final BackendHealth from, final BackendHealth to, final String reason,
        final long latencyNs)
    {
        events.execute(() -> deliver(target, from, to, reason, latencyNs));
    }

    private void deliver(
        final HealthTarget target, final BackendHealth from, final BackendHealth to, final String reason,
        final long latencyNs)
    {
        try
        {
            listener.onTransition(target, from, to, reason, latencyNs);
        }
        catch (final RuntimeException ex)
        {
            LOG.log(WARNING, "health listener failed on " + target + " " + from + " -> " + to, ex);
        }
    }

    private boolean isStale(final TargetCheck check, final long generation)
    {
        return closed || check.removed || check.generation != generation;
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("the health checker is closed");
        }
    }

    private long initialDelayNs(final HealthPolicy policy)
    {
        return initialDelay.applyAsLong(policy.intervalNs());
    }

    private static void requireArguments(final HealthTarget target, final HealthPolicy policy)
    {
        if (target == null || policy == null)
        {
            throw new IllegalArgumentException("target and policy must not be null");
        }
    }

    private static void requirePort(final HealthTarget target, final HealthPolicy policy)
    {
        if (policy.needsPort() && policy.effectivePort(target.servicePort()) == 0)
        {
            throw new IllegalArgumentException("a " + policy.kind() + " check of " + target +
                " needs a port: the policy's port and the service's port are both 0");
        }
    }

    private static void awaitTermination(final ExecutorService executor)
    {
        try
        {
            executor.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static final class ServiceChecks
    {
        private final Map<HealthTarget, TargetCheck> checks = new LinkedHashMap<>();
        private HealthPolicy policy;

        private ServiceChecks(final HealthPolicy policy)
        {
            this.policy = policy;
        }
    }
}
