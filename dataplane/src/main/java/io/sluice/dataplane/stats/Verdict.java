package io.sluice.dataplane.stats;

/**
 * What the pipeline decided for one packet. Plain {@code int} constants: the hot path returns
 * them without allocation.
 */
public final class Verdict
{
    /** Not decided yet: a pipeline stage hands the packet to the next stage. */
    public static final int CONTINUE = 0;
    /** Rewritten for a backend (DSR or tunnel): transmit. */
    public static final int FORWARD = 1;
    /** Turned into an answer in place (ARP, ND, ICMP echo, ICMP too big): transmit. */
    public static final int REPLY = 2;
    /** For the control plane (ARP/ND learning, VRRP, traffic to the LB's own addresses). */
    public static final int PUNT = 3;
    /** Dropped; the reason was counted. */
    public static final int DROP = 4;

    private Verdict()
    {
    }

    /** @return true when the packet is to be transmitted. */
    public static boolean isTransmit(final int verdict)
    {
        return verdict == FORWARD || verdict == REPLY;
    }

    /** @return a name for messages and tests. */
    public static String name(final int verdict)
    {
        return switch (verdict)
        {
            case FORWARD -> "FORWARD";
            case REPLY -> "REPLY";
            case PUNT -> "PUNT";
            case DROP -> "DROP";
            case CONTINUE -> "CONTINUE";
            default -> "UNKNOWN(" + verdict + ")";
        };
    }
}
