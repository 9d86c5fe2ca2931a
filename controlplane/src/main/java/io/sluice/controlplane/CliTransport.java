package io.sluice.controlplane;

/**
 * Sets up gRPC's shaded Netty for a command-line call ({@code sluice ctl}), which makes one
 * channel, one or two calls of a few kilobytes, and exits: an unpooled heap allocator, so that the
 * call does not first build the pooled allocator's per-thread arenas and caches (sized for a
 * server), nor prefer direct buffers. Measured: a {@code ctl list} takes about 10% less wall time
 * (bench/README.md, "CLI wall time"). Values the user gave with {@code -D} are kept. The daemon
 * keeps Netty's defaults.
 */
public final class CliTransport
{
    /** The allocator property of the shaded Netty. */
    public static final String ALLOCATOR_PROPERTY = "io.grpc.netty.shaded.io.netty.allocator.type";
    /** The direct-buffer preference property of the shaded Netty. */
    public static final String NO_PREFER_DIRECT_PROPERTY = "io.grpc.netty.shaded.io.netty.noPreferDirect";

    private CliTransport()
    {
    }

    /**
     * Sets the properties. Call it before the first gRPC channel is built (Netty reads them once).
     */
    public static void forOneCall()
    {
        if (System.getProperty(ALLOCATOR_PROPERTY) == null)
        {
            System.setProperty(ALLOCATOR_PROPERTY, "unpooled");
        }
        if (System.getProperty(NO_PREFER_DIRECT_PROPERTY) == null)
        {
            System.setProperty(NO_PREFER_DIRECT_PROPERTY, "true");
        }
    }
}
