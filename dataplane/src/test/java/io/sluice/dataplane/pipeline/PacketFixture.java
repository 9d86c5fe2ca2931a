package io.sluice.dataplane.pipeline;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

/**
 * One row of a packet-fixture table: a frame in, the verdict, the drop reason (drops only) and the
 * exact frame out (transmit verdicts; for a punt, the unchanged input).
 */
public record PacketFixture(String description, byte[] input, int verdict, DropReason reason, byte[] expected)
{
    public static PacketFixture transmit(final String description, final byte[] input, final int verdict, final byte[] expected)
    {
        return new PacketFixture(description, input, verdict, null, expected);
    }

    public static PacketFixture punt(final String description, final byte[] input)
    {
        return new PacketFixture(description, input, Verdict.PUNT, null, input);
    }

    public static PacketFixture drop(final String description, final byte[] input, final DropReason reason)
    {
        return new PacketFixture(description, input, Verdict.DROP, reason, null);
    }

    @Override
    public String toString()
    {
        return description;
    }
}
