package io.sluice.dpdk;

/**
 * A DPDK call failed. The message says what Sluice was doing, DPDK's error text and errno, and the
 * log lines DPDK printed on this thread during the call, which often say more than the errno
 * ({@code rte_dev_probe} reports a missing pcap file as {@code -EPERM}, for example).
 */
public final class DpdkException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int error;
    private final String dpdkLog;

    /**
     * Creates the exception.
     *
     * @param message what failed and why, for a person.
     * @param error   the negative errno the shim returned.
     * @param dpdkLog the DPDK log text captured during the call, possibly empty.
     */
    public DpdkException(final String message, final int error, final String dpdkLog)
    {
        super(message);
        this.error = error;
        this.dpdkLog = dpdkLog;
    }

    /**
     * The negative errno the shim returned (for example -22 for EINVAL).
     *
     * @return the error code.
     */
    public int error()
    {
        return error;
    }

    /**
     * What DPDK logged on the calling thread while the failing call ran.
     *
     * @return the log text, empty when DPDK printed nothing.
     */
    public String dpdkLog()
    {
        return dpdkLog;
    }
}
