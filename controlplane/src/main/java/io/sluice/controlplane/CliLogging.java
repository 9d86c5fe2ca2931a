package io.sluice.controlplane;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps library chatter out of a command-line tool's output ({@code sluice ctl}): what the tool
 * prints is its answer, its own errors, and nothing else. The daemon ({@code sluice run}) keeps
 * every library message in its log instead.
 *
 * <ul>
 *     <li>Netty names its channels with a machine id taken from a hardware address. Inside a network
 *     namespace with only a loopback interface it finds none and warns on every call
 *     ({@code Failed to find a usable hardware address ... using random bytes}). The id only labels
 *     channels in Netty's own logs, so a command gets a fixed one ({@value #MACHINE_ID}) unless the
 *     user gave one with {@code -D}{@value #MACHINE_ID_PROPERTY}.</li>
 *     <li>Netty's other warnings (internal fallbacks the user cannot act on) are dropped; its
 *     {@code SEVERE} messages (a leaked buffer, a failure) still reach standard error. gRPC's own
 *     messages are left alone, and a failed call is reported by the command itself.</li>
 * </ul>
 */
public final class CliLogging
{
    /** The system property gRPC's shaded Netty reads its machine id from. */
    public static final String MACHINE_ID_PROPERTY = "io.grpc.netty.shaded.io.netty.machineId";
    /** The machine id a command uses: a locally administered EUI-64, never a real interface's. */
    public static final String MACHINE_ID = "02:00:00:ff:fe:00:00:01";
    /** The logger of gRPC's shaded copy of Netty. */
    public static final String NETTY_LOGGER = "io.grpc.netty.shaded.io.netty";

    /** Held so that the level set on it lasts: the logging framework keeps loggers only weakly. */
    private static final Logger NETTY = Logger.getLogger(NETTY_LOGGER);

    private CliLogging()
    {
    }

    /**
     * Quiets the libraries for a command-line call. Call it before the first gRPC channel is built.
     */
    public static void quietLibraries()
    {
        if (System.getProperty(MACHINE_ID_PROPERTY) == null)
        {
            System.setProperty(MACHINE_ID_PROPERTY, MACHINE_ID);
        }
        NETTY.setLevel(Level.SEVERE);
    }
}
