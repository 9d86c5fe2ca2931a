package io.sluice.controlplane.ha;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import io.sluice.controlplane.config.VrrpSection;
import io.sluice.controlplane.model.ChangeRejectedException;
import io.sluice.controlplane.model.ControlEvent;
import io.sluice.controlplane.model.EventBus;
import io.sluice.controlplane.model.HaState;
import io.sluice.controlplane.vrrp.VirtualRouter;
import io.sluice.controlplane.vrrp.VrrpConfig;
import io.sluice.controlplane.vrrp.VrrpCounters;
import io.sluice.controlplane.vrrp.VrrpInstance;
import io.sluice.controlplane.vrrp.VrrpNotifyRunner;
import io.sluice.controlplane.vrrp.VrrpState;
import io.sluice.controlplane.vrrp.VrrpStateListener;
import io.sluice.controlplane.vrrp.VrrpTransmitter;
import io.sluice.dataplane.ring.FrameRing;
import io.sluice.dataplane.service.IpAddress;

/**
 * VRRPv3 on the dataplane's port: the virtual routers of the {@code vrrp:} section on a thread of
 * their own. Adverts (and any other frame the dataplane punts that is not ARP / ND) arrive from the
 * dataplane's control thread through a {@link PuntRelay} into a ring; adverts, gratuitous ARPs and
 * unsolicited NAs leave through a worker's TX ({@link FrameOut}). On each transition the dataplane is
 * switched first ({@link RoleSwitch}: it answers and forwards the virtual addresses of the routers
 * this LB is master of, and no others), then a {@link ControlEvent.VrrpChanged} is published, and a
 * {@link ControlEvent.HaChanged} when the daemon's role changed with it, then the notify hook is queued.
 * Publishing does not wait for any watcher: each has a bounded queue that drops its oldest event when full.
 * <p>
 * The thread sleeps until the next VRRP deadline or a punted frame, whichever comes first; it is
 * woken by the relay, so an advert is handled within microseconds of its arrival.
 */
public final class VrrpService implements VrrpStatus, AutoCloseable
{
    /** Bytes of the ring punted frames wait in (a few hundred adverts). */
    public static final int INBOUND_RING_BYTES = 1 << 18;
    /** Longest the thread sleeps between two looks at the clock. */
    static final long MAX_SLEEP_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /** How long a notify hook may run before it is killed. */
    static final long NOTIFY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private static final System.Logger LOG = System.getLogger("sluice.vrrp");
    private static final int FRAME_MESSAGE = 1;
    private static final int READ_LIMIT = 64;

    /** Where the dataplane's punted frames go: set before the dataplane starts, attached once VRRP runs. */
    public static final class PuntRelay implements FrameRing.FrameHandler
    {
        private volatile VrrpService service;
        private final AtomicLong ignored = new AtomicLong();

        @Override
        public void onFrame(final MemorySegment segment, final long offset, final int length)
        {
            final VrrpService target = service;
            if (target == null)
            {
                ignored.incrementAndGet();
                return;
            }
            target.offer(segment, offset, length);
        }

        /** @return frames punted while no VRRP ran (before the start, after the stop). */
        public long ignored()
        {
            return ignored.get();
        }

        void attach(final VrrpService target)
        {
            service = target;
        }
    }

    /** Switches the dataplane to a set of active virtual addresses: returns once it is in force. */
    @FunctionalInterface
    public interface RoleSwitch
    {
        /**
         * @param active  the virtual addresses of the routers this LB is master of.
         * @param summary what changed, for logs and events.
         * @throws ChangeRejectedException when the dataplane did not take it.
         */
        void apply(Set<IpAddress> active, String summary);
    }

    /** Sends a whole Ethernet frame through the dataplane (a worker's TX): the frame is copied. */
    @FunctionalInterface
    public interface FrameOut
    {
        /**
         * @param segment the frame's segment.
         * @param offset  where it starts.
         * @param length  its length.
         * @return false when it could not be queued.
         */
        boolean send(MemorySegment segment, long offset, int length);
    }

    /**
     * One virtual router as other threads see it.
     *
     * @param name        its name.
     * @param vrid        its VRID.
     * @param ipv6        its family.
     * @param priority    its configured priority.
     * @param advertIntervalCs its advertisement interval.
     * @param addresses   its virtual addresses.
     * @param state       its state.
     * @param since       when it entered that state.
     * @param transitions transitions since the start.
     */
    public record RouterStatus(
        String name, int vrid, boolean ipv6, int priority, int advertIntervalCs, List<IpAddress> addresses, VrrpState state,
        Instant since, long transitions)
    {
    }

    private final List<VrrpConfig> configs;
    private final RoleSwitch roleSwitch;
    private final EventBus events;
    private final Clock clock;
    private final OneToOneRingBuffer inbound =
        new OneToOneRingBuffer(new UnsafeBuffer(new byte[INBOUND_RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH]));
    private final AtomicLong inboundDropped = new AtomicLong();
    private final AtomicLong switchFailures = new AtomicLong();
    private final VrrpCounters counters = new VrrpCounters();
    private final VrrpNotifyRunner notify;
    private final VrrpInstance instance;
    private final PuntRelay relay;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment outFrame = arena.allocate(2048, 64);
    private final UnsafeBuffer outBuffer = new UnsafeBuffer(outFrame.address(), (int)outFrame.byteSize());
    private final Set<IpAddress> active = new HashSet<>();
    private final Thread thread;
    private final RouterStatus[] statuses;
    private volatile List<RouterStatus> published;
    private HaState.Role role;
    private volatile boolean running = true;

    private VrrpService(
        final VrrpSection section, final PuntRelay relay, final FrameOut out, final VrrpTransmitter.MacResolver peers,
        final RoleSwitch roleSwitch, final EventBus events, final Clock clock, final BooleanSupplier readyToPreempt)
    {
        this.configs = section.routers();
        this.relay = relay;
        this.roleSwitch = roleSwitch;
        this.events = events;
        this.clock = clock;
        this.notify = section.notifyCommand() == null ? null :
            new VrrpNotifyRunner(List.of(section.notifyCommand().split("\\s+")), NOTIFY_TIMEOUT_NS, 2, 64);
        final List<VrrpStateListener> listeners = new ArrayList<>();
        listeners.add(this::onStateChange);
        if (notify != null)
        {
            listeners.add(notify);
        }
        final VrrpTransmitter transmitter = new VrrpTransmitter((buffer, offset, length) -> send(out, buffer, offset, length),
            peers, counters, listeners, readyToPreempt);
        this.instance = new VrrpInstance(configs, transmitter, counters);
        this.statuses = new RouterStatus[configs.size()];
        final Instant now = clock.instant();
        for (int i = 0; i < configs.size(); i++)
        {
            final VrrpConfig config = configs.get(i);
            statuses[i] = new RouterStatus(config.name(), config.vrid(), config.family().ipv6(), config.priority(),
                config.advertIntervalCs(), config.virtualAddresses(), VrrpState.INITIALIZE, now, 0);
        }
        this.published = List.of(statuses);
        this.role = HaSnapshot.roleOf(true, false, published);
        this.thread = Thread.ofPlatform().name("sluice-vrrp").unstarted(this::run);
    }

    /**
     * Starts VRRP: every router enters Initialize and then Backup (or Master for an address owner).
     *
     * @param section    the {@code vrrp:} section.
     * @param relay      the relay the dataplane was started with as its handler of other punts.
     * @param out        where frames leave.
     * @param peers      MACs of unicast peers.
     * @param roleSwitch switches the dataplane on each transition.
     * @param events     where each transition, and each change of the daemon's role, is published.
     * @param clock      the wall clock of transition times.
     * @return the running service.
     */
    public static VrrpService start(
        final VrrpSection section, final PuntRelay relay, final FrameOut out, final VrrpTransmitter.MacResolver peers,
        final RoleSwitch roleSwitch, final EventBus events, final Clock clock)
    {
        return start(section, relay, out, peers, roleSwitch, events, clock, () -> true);
    }

    /**
     * Starts VRRP with a preemption gate: a router that would take over from a live master of lower
     * priority does so only once {@code readyToPreempt} says yes (asked on the VRRP thread).
     *
     * @param section        the {@code vrrp:} section.
     * @param relay          the relay the dataplane was started with as its handler of other punts.
     * @param out            where frames leave.
     * @param peers          MACs of unicast peers.
     * @param roleSwitch     switches the dataplane on each transition.
     * @param events         where each transition, and each change of the daemon's role, is published.
     * @param clock          the wall clock of transition times.
     * @param readyToPreempt whether this LB holds what it needs to lead (the flow sync's bulk transfer).
     * @return the running service.
     */
    public static VrrpService start(
        final VrrpSection section, final PuntRelay relay, final FrameOut out, final VrrpTransmitter.MacResolver peers,
        final RoleSwitch roleSwitch, final EventBus events, final Clock clock, final BooleanSupplier readyToPreempt)
    {
        final VrrpService service = new VrrpService(section, relay, out, peers, roleSwitch, events, clock, readyToPreempt);
        relay.attach(service);
        service.thread.start();
        return service;
    }

    private void offer(final MemorySegment segment, final long offset, final int length)
    {
        final int index = inbound.tryClaim(FRAME_MESSAGE, length);
        if (index <= 0)
        {
            inboundDropped.incrementAndGet();
            return;
        }
        final UnsafeBuffer buffer = (UnsafeBuffer)inbound.buffer();
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, buffer.byteArray(), index, length);
        inbound.commit(index);
        LockSupport.unpark(thread);
    }

    private boolean send(final FrameOut out, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > outFrame.byteSize())
        {
            return false;
        }
        buffer.getBytes(offset, outBuffer, 0, length);
        return out.send(outFrame, 0, length);
    }

    private void run()
    {
        instance.start(System.nanoTime());
        while (running)
        {
            final int work = inbound.read((type, buffer, index, length) ->
                instance.onFrame(buffer, index, length, System.nanoTime()), READ_LIMIT) + instance.onTimer(System.nanoTime());
            if (work == 0)
            {
                final long waitNs = Math.min(instance.nextDeadlineNs() - System.nanoTime(), MAX_SLEEP_NS);
                if (waitNs > 0)
                {
                    LockSupport.parkNanos(this, waitNs);
                }
            }
        }
        instance.shutdown(System.nanoTime());
    }

    private void onStateChange(final VrrpConfig router, final VrrpState from, final VrrpState to)
    {
        final int index = configs.indexOf(router);
        final RouterStatus before = statuses[index];
        statuses[index] = new RouterStatus(before.name(), before.vrid(), before.ipv6(), before.priority(),
            before.advertIntervalCs(), before.addresses(), to, clock.instant(), before.transitions() + 1);
        final boolean changed = to == VrrpState.MASTER ? active.addAll(router.virtualAddresses()) :
            from == VrrpState.MASTER && active.removeAll(router.virtualAddresses());
        LOG.log(System.Logger.Level.INFO, "vrrp {0} (VRID {1}): {2} -> {3}", router.name(), router.vrid(), from, to);
        if (changed)
        {
            try
            {
                roleSwitch.apply(Set.copyOf(active), "vrrp " + router.name() + ": " + from + " -> " + to);
            }
            catch (final RuntimeException ex)
            {
                switchFailures.incrementAndGet();
                LOG.log(System.Logger.Level.ERROR, "vrrp " + router.name() + " is " + to + " but the dataplane did not " +
                    "switch: " + ex.getMessage());
            }
        }
        published = List.copyOf(Arrays.asList(statuses));
        publish(router, from, to);
    }

    private void publish(final VrrpConfig router, final VrrpState from, final VrrpState to)
    {
        final HaState.Role before = role;
        role = HaSnapshot.roleOf(true, false, published);
        events.publish(new ControlEvent.VrrpChanged(router.name(), router.vrid(), router.family().ipv6(), from, to, before, role));
        if (role != before)
        {
            events.publish(new ControlEvent.HaChanged(before, role));
        }
    }

    /** @return every virtual router's state, as of its last transition (published once the dataplane switched). */
    @Override
    public List<RouterStatus> routers()
    {
        return published;
    }

    /** @return the VRRP counters (frames accepted, discarded by reason, sent). */
    @Override
    public VrrpCounters counters()
    {
        return counters;
    }

    /** @return punted frames dropped because the ring to the VRRP thread was full. */
    @Override
    public long inboundDropped()
    {
        return inboundDropped.get();
    }

    /** @return transitions after which the dataplane did not take the new roles. */
    @Override
    public long switchFailures()
    {
        return switchFailures.get();
    }

    /** @return the notify hooks' runner, or null when no hook is configured. */
    @Override
    public VrrpNotifyRunner notifyRunner()
    {
        return notify;
    }

    /**
     * Stops as keepalived does on SIGTERM: a master sends an advert with priority 0 so that a backup
     * takes over at once (RFC 5798 §6.4.3), then the thread ends and the relay detaches.
     */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        relay.attach(null);
        if (notify != null)
        {
            notify.close();
        }
        arena.close();
    }
}
