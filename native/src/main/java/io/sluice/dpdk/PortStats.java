package io.sluice.dpdk;

/**
 * A snapshot of a port's basic counters ({@code struct rte_eth_stats}), mutable so that a poller
 * can reuse one instance: {@code port.stats(reuse)}. Counters run from the port's start or the last
 * {@link Port#resetStats()}. Drivers differ in what they count: virtual devices often leave the
 * byte and error counters at 0.
 */
public final class PortStats
{
    private long rxPackets;
    private long txPackets;
    private long rxBytes;
    private long txBytes;
    private long rxMissed;
    private long rxErrors;
    private long txErrors;
    private long rxNoMbuf;

    void set(
        final long rxPackets, final long txPackets, final long rxBytes, final long txBytes,
        final long rxMissed, final long rxErrors, final long txErrors, final long rxNoMbuf)
    {
        this.rxPackets = rxPackets;
        this.txPackets = txPackets;
        this.rxBytes = rxBytes;
        this.txBytes = txBytes;
        this.rxMissed = rxMissed;
        this.rxErrors = rxErrors;
        this.txErrors = txErrors;
        this.rxNoMbuf = rxNoMbuf;
    }

    /**
     * {@code ipackets}: packets received.
     *
     * @return the count.
     */
    public long rxPackets()
    {
        return rxPackets;
    }

    /**
     * {@code opackets}: packets sent.
     *
     * @return the count.
     */
    public long txPackets()
    {
        return txPackets;
    }

    /**
     * {@code ibytes}: bytes received.
     *
     * @return the count.
     */
    public long rxBytes()
    {
        return rxBytes;
    }

    /**
     * {@code obytes}: bytes sent.
     *
     * @return the count.
     */
    public long txBytes()
    {
        return txBytes;
    }

    /**
     * {@code imissed}: packets the NIC dropped because the rx queues were full.
     *
     * @return the count.
     */
    public long rxMissed()
    {
        return rxMissed;
    }

    /**
     * {@code ierrors}: erroneous packets received.
     *
     * @return the count.
     */
    public long rxErrors()
    {
        return rxErrors;
    }

    /**
     * {@code oerrors}: packets that failed to send.
     *
     * @return the count.
     */
    public long txErrors()
    {
        return txErrors;
    }

    /**
     * {@code rx_nombuf}: receive failures because the mbuf pool was empty.
     *
     * @return the count.
     */
    public long rxNoMbuf()
    {
        return rxNoMbuf;
    }

    /**
     * Lists every counter.
     *
     * @return the counters as text.
     */
    @Override
    public String toString()
    {
        return "PortStats{rxPackets=" + rxPackets + ", txPackets=" + txPackets + ", rxBytes=" + rxBytes +
            ", txBytes=" + txBytes + ", rxMissed=" + rxMissed + ", rxErrors=" + rxErrors +
            ", txErrors=" + txErrors + ", rxNoMbuf=" + rxNoMbuf + '}';
    }
}
