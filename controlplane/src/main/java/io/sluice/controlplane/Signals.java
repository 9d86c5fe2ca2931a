package io.sluice.controlplane;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns the daemon's signals into messages on a queue that its main thread takes, so that a
 * signal handler does nothing but enqueue (no logging, no locks of the dataplane). Installing a
 * handler for INT and TERM replaces the JVM's shutdown on them: the daemon stops in order and
 * exits 0 itself. {@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to catch
 * SIGHUP.
 */
public final class Signals
{
    /** Reload the configuration. */
    public static final String HUP = "HUP";
    /** Stop (Ctrl-C). */
    public static final String INT = "INT";
    /** Stop (kill, systemd). */
    public static final String TERM = "TERM";

    private Signals()
    {
    }

    /**
     * Installs handlers for SIGHUP, SIGINT and SIGTERM.
     *
     * @return the queue the names of received signals arrive on.
     */
    public static BlockingQueue<String> install()
    {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        for (final String name : new String[]{HUP, INT, TERM})
        {
            final SignalHandler previous = Signal.handle(new Signal(name), signal -> received.offer(signal.getName()));
            if (previous == SignalHandler.SIG_IGN)
            {
                System.getLogger("sluice.daemon").log(System.Logger.Level.WARNING,
                    "SIG" + name + " was ignored by the parent (nohup or a background job); Sluice handles it now");
            }
        }
        return received;
    }
}
