package io.sluice.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Turns the shim's negative errno results into {@link DpdkException}s carrying DPDK's error text
 * and the DPDK log captured on the calling thread. Control path only: it allocates.
 */
final class NativeErrors
{
    /** Linux ENOENT. */
    static final int ENOENT = 2;

    /** Linux ENOTSUP (EOPNOTSUPP). */
    static final int ENOTSUP = 95;

    private static final int TEXT_BUFFER_LENGTH = 4096;

    private NativeErrors()
    {
    }

    /**
     * Forgets the DPDK log text captured so far on this thread, before a call whose failure should
     * report only its own log lines.
     */
    static void clearLog()
    {
        SluiceDpdk.sluice_log_clear();
    }

    /**
     * The DPDK log text captured on this thread since the last {@link #clearLog()}.
     *
     * @return the text, trimmed; empty when DPDK printed nothing.
     */
    static String capturedLog()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment buffer = arena.allocate(TEXT_BUFFER_LENGTH);
            SluiceDpdk.sluice_log_capture(buffer, TEXT_BUFFER_LENGTH);
            return buffer.getString(0).strip();
        }
    }

    /**
     * DPDK's text for an error code ({@code rte_strerror}).
     *
     * @param error a negative errno.
     * @return the text.
     */
    static String describe(final int error)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment buffer = arena.allocate(TEXT_BUFFER_LENGTH);
            SluiceDpdk.sluice_strerror(error, buffer, TEXT_BUFFER_LENGTH);
            return buffer.getString(0);
        }
    }

    /**
     * Builds the exception for a failed shim call.
     *
     * @param action what Sluice was doing, e.g. {@code "cannot attach device 'x' (rte_dev_probe)"}.
     * @param error  the negative errno the shim returned.
     * @return the exception, to be thrown by the caller.
     */
    static DpdkException failure(final String action, final int error)
    {
        return failure(action, error, capturedLog());
    }

    /**
     * Builds the exception for a failed shim call whose DPDK log was captured on another thread.
     *
     * @param action what Sluice was doing.
     * @param error  the negative errno the shim returned.
     * @param log    the DPDK log text captured during the call.
     * @return the exception, to be thrown by the caller.
     */
    static DpdkException failure(final String action, final int error, final String log)
    {
        final StringBuilder message = new StringBuilder(action)
            .append(": ")
            .append(describe(error))
            .append(" (error ")
            .append(error)
            .append(')');
        if (!log.isEmpty())
        {
            message.append("; DPDK said: ").append(String.join(" | ", log.lines().map(String::strip).toList()));
        }
        return new DpdkException(message.toString(), error, log);
    }
}
