package io.sluice.bench.gen;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.NanoClock;

import io.sluice.dpdk.Mbuf;
import io.sluice.dpdk.MbufPool;
import io.sluice.dpdk.Port;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The generator's duty cycle, run by one polling thread registered with EAL: read the clock (once
 * per cycle, and again when a burst arrives, as its receive time), send a burst (allocate mbufs in bulk, write each from its template with the tuple, sequence and
 * send time, tx burst, free and count what the port refused), receive a burst (decode each frame,
 * record its latency, count it to its backend, free the burst), and move through the phases:
 * warm-up (sent and received but not measured), measurement (until the duration has passed or the
 * count has been sent), drain (receive only, until every measured packet is back or the drain time
 * is over), done. Which tuple each packet belongs to is the {@link FlowSchedule}'s choice.
 * <p>
 * One thread runs {@link #doWork()}; or, with two cores, one thread {@link #doTransmit()} and
 * another {@link #doReceive()} (each half's state is its thread's; the receiving half reads the
 * sending half's totals only once {@link #isSendingEnded()}). Allocates nothing after construction.
 * {@link #requestStop()}, the counters and the latency intervals are what other threads may touch.
 */
final class TrafficLoop implements AutoCloseable
{
    private final Arena arena = Arena.ofShared();
    private final Mbuf txMbuf = new Mbuf();
    private final Mbuf rxMbuf = new Mbuf();
    private final GenCounters counters = new GenCounters();
    private final LatencyRecorder latency = new LatencyRecorder();
    private final Port txPort;
    private final Port rxPort;
    private final MbufPool pool;
    private final TrafficFrames frames;
    private final OutputDecoder decoder;
    private final BackendTable backends;
    private final FlowSchedule schedule;
    private final NanoClock clock;
    private final MemorySegment txPointers;
    private final MemorySegment rxPointers;
    private final boolean[] opensNewTuple;
    private final int burst;
    private final int frameLength;
    private final long ratePps;
    private final long catchUpNs;
    private final long warmupNs;
    private final long durationNs;
    private final long count;
    private final long drainNs;
    private volatile boolean stopRequested;
    private volatile boolean done;
    private volatile boolean sendingEnded;
    private boolean sending;
    private TokenBucket bucket;
    private long measureStartNs;
    private long endNs;
    private long drainEndNs;
    private long sendStopNs;
    private long txMeasured;
    private long rxMeasured;
    private int sequence;

    /**
     * @param config the settings.
     * @param txPort the port to send on, queue 0.
     * @param rxPort the port to receive on, queue 0 (may be {@code txPort}).
     * @param pool   the pool to allocate sent packets from.
     * @param frames the packet templates.
     * @param clock  the clock of send times, receive times and phases.
     */
    TrafficLoop(
        final GenConfig config, final Port txPort, final Port rxPort, final MbufPool pool, final TrafficFrames frames,
        final NanoClock clock)
    {
        this.txPort = txPort;
        this.rxPort = rxPort;
        this.pool = pool;
        this.frames = frames;
        this.clock = clock;
        this.decoder = new OutputDecoder(config.expect(), config.guePort());
        this.backends = new BackendTable(config.maxBackends());
        this.schedule = new FlowSchedule(config.flows(), config.newFlowsPpm(), config.clients().size());
        this.burst = config.burst();
        this.frameLength = frames.frameLength();
        this.ratePps = config.ratePps();
        this.catchUpNs = config.catchUpNs();
        this.warmupNs = config.warmupNs();
        this.durationNs = config.durationNs();
        this.count = config.count();
        this.drainNs = config.drainNs();
        this.txPointers = arena.allocate(JAVA_LONG, burst);
        this.rxPointers = arena.allocate(JAVA_LONG, burst);
        this.opensNewTuple = new boolean[burst];
    }

    /**
     * Starts the warm-up (or the measurement, without one) now.
     */
    void start()
    {
        final long nowNs = clock.nanoTime();
        measureStartNs = nowNs + warmupNs;
        endNs = measureStartNs + durationNs;
        bucket = ratePps > 0 ? new TokenBucket(ratePps, burst, catchUpNs, nowNs) : null;
        sending = true;
    }

    /**
     * One duty cycle on one thread: {@link #doTransmit()} then {@link #doReceive()}.
     *
     * @return packets sent and frames received.
     */
    int doWork()
    {
        return doTransmit() + doReceive();
    }

    /**
     * The sending half of a duty cycle, on the sending thread: read the clock, end sending when the
     * duration has passed, the count is sent or a stop was requested, else send a burst.
     *
     * @return packets sent.
     */
    int doTransmit()
    {
        if (!sending)
        {
            return 0;
        }
        final long nowNs = clock.nanoTime();
        if (stopRequested || (count > 0 ? txMeasured >= count : nowNs - endNs >= 0))
        {
            sending = false;
            sendStopNs = nowNs;
            drainEndNs = nowNs + drainNs;
            sendingEnded = true;
            return 0;
        }
        return transmit(nowNs);
    }

    /**
     * The receiving half of a duty cycle, on the receiving thread: receive a burst; once sending has
     * ended, finish when every measured packet is back or the drain time is over.
     *
     * @return frames received.
     */
    int doReceive()
    {
        final int received = receive();
        if (sendingEnded && (rxMeasured >= txMeasured || clock.nanoTime() - drainEndNs >= 0))
        {
            done = true;
        }
        return received;
    }

    /**
     * Whether sending has ended (the drain may still run).
     *
     * @return true when the sending thread may stop.
     */
    boolean isSendingEnded()
    {
        return sendingEnded;
    }

    /**
     * Whether the run is over: sending has ended and the drain is done.
     *
     * @return true when the polling thread may stop.
     */
    boolean isDone()
    {
        return done;
    }

    /**
     * Ends sending now and starts the drain; from any thread.
     */
    void requestStop()
    {
        stopRequested = true;
    }

    /**
     * @return the counters, readable from any thread.
     */
    GenCounters counters()
    {
        return counters;
    }

    /**
     * @return the latency recorder, whose intervals one reporting thread takes.
     */
    LatencyRecorder latency()
    {
        return latency;
    }

    /**
     * @return the per-backend counts; read them after the loop has stopped.
     */
    BackendTable backends()
    {
        return backends;
    }

    /**
     * How long the measured sending lasted; read it after the loop has stopped.
     *
     * @return from the end of the warm-up to the last send, in ns; 0 when sending ended in the warm-up.
     */
    long measuredSendNs()
    {
        return Math.max(0, sendStopNs - measureStartNs);
    }

    /**
     * Frees the burst arrays.
     */
    @Override
    public void close()
    {
        arena.close();
    }

    private int transmit(final long nowNs)
    {
        final boolean measured = nowNs - measureStartNs >= 0;
        int wanted = bucket == null ? burst : bucket.take(nowNs, burst);
        if (measured && count > 0)
        {
            wanted = (int)Math.min(wanted, count - txMeasured);
        }
        if (wanted == 0)
        {
            return 0;
        }
        if (!pool.allocBulk(txPointers, wanted))
        {
            counters.add(GenCounters.TX_NO_MBUF, 1);
            return 0;
        }
        int reused = 0;
        for (int i = 0; i < wanted; i++)
        {
            final Mbuf mbuf = txMbuf.wrap(txPointers.getAtIndex(JAVA_LONG, i));
            final long tuple = schedule.next();
            opensNewTuple[i] = schedule.opensNewTuple();
            reused += schedule.reused() ? 1 : 0;
            frames.write(mbuf.dataAddress(), schedule.first(), tuple, sequence++, nowNs);
            mbuf.setLength(frameLength);
        }
        if (reused > 0)
        {
            counters.add(GenCounters.TUPLES_REUSED, reused);
        }
        final int sent = txPort.txBurst(0, txPointers, wanted);
        int newFlows = 0;
        for (int i = 0; i < sent; i++)
        {
            newFlows += opensNewTuple[i] ? 1 : 0;
        }
        for (int i = sent; i < wanted; i++)
        {
            pool.free(txPointers.getAtIndex(JAVA_LONG, i));
        }
        if (sent < wanted)
        {
            counters.add(GenCounters.TX_REFUSED, wanted - sent);
        }
        if (measured)
        {
            txMeasured += sent;
            counters.add(GenCounters.TX_PACKETS, sent);
            counters.add(GenCounters.TX_BYTES, (long)sent * frameLength);
            counters.add(GenCounters.TX_NEW_FLOWS, newFlows);
        }
        else
        {
            counters.add(GenCounters.TX_WARMUP, sent);
        }
        return wanted;
    }

    private int receive()
    {
        final int received = rxPort.rxBurst(0, rxPointers, burst);
        if (received == 0)
        {
            return 0;
        }
        final long nowNs = clock.nanoTime();
        long measured = 0;
        long measuredBytes = 0;
        long warmup = 0;
        final long token = latency.beginBurst();
        try
        {
            final Histogram histogram = latency.histogram();
            for (int i = 0; i < received; i++)
            {
                final Mbuf mbuf = rxMbuf.wrap(rxPointers.getAtIndex(JAVA_LONG, i));
                final int result = mbuf.segmentCount() != 1 ?
                    OutputDecoder.MULTI_SEGMENT : decoder.decode(mbuf.dataAddress(), mbuf.dataLength());
                if (result != OutputDecoder.OK)
                {
                    counters.add(GenCounters.RX_UNDECODABLE + result, 1);
                }
                else if (decoder.sendNs() - measureStartNs < 0)
                {
                    warmup++;
                }
                else
                {
                    measured++;
                    measuredBytes += mbuf.packetLength();
                    onMeasured(histogram, nowNs - decoder.sendNs());
                }
            }
        }
        finally
        {
            latency.endBurst(token);
        }
        pool.freeBulk(rxPointers, received);
        rxMeasured += measured;
        counters.add(GenCounters.RX_FRAMES, received);
        counters.add(GenCounters.RX_PACKETS, measured);
        counters.add(GenCounters.RX_BYTES, measuredBytes);
        counters.add(GenCounters.RX_WARMUP, warmup);
        return received;
    }

    private void onMeasured(final Histogram histogram, final long latencyNs)
    {
        if (latencyNs < 0)
        {
            counters.add(GenCounters.LATENCY_NEGATIVE, 1);
        }
        else if (latencyNs > LatencyRecorder.HIGHEST_NS)
        {
            counters.add(GenCounters.LATENCY_CLAMPED, 1);
            histogram.recordValue(LatencyRecorder.HIGHEST_NS);
        }
        else
        {
            histogram.recordValue(latencyNs);
        }
        if (!backends.increment(decoder.backendKind(), decoder.backendHigh(), decoder.backendLow()))
        {
            counters.add(GenCounters.BACKENDS_OVERFLOW, 1);
        }
    }
}
