package io.sluice.controlplane.config;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the daemon derives from a device string: whether it is a PCI address, and a short file-name
 * safe identity of the hardware it drives, which names the lock file (one daemon per device) and
 * the default stats file.
 * <p>
 * The identity is the PCI address for a NIC, {@code iface-NAME} for a vdev on a kernel interface
 * ({@code net_af_packet0,iface=eth1} and {@code net_af_xdp0,iface=eth1} drive the same interface,
 * so they share one lock), and the whole vdev string otherwise ({@code net_pcap} files, rings).
 */
public final class DeviceNames
{
    /** Where lock files go unless the system property {@value #LOCK_DIRECTORY_PROPERTY} says otherwise. */
    public static final String DEFAULT_LOCK_DIRECTORY = "/run/sluice";
    /** System property naming another lock directory. */
    public static final String LOCK_DIRECTORY_PROPERTY = "sluice.lock.dir";
    /** Where stats files go by default: a tmpfs, so counters never touch a disk. */
    public static final String DEFAULT_STATS_DIRECTORY = "/dev/shm";

    private static final Pattern PCI_ADDRESS =
        Pattern.compile("(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7](?:,.*)?");
    private static final Pattern INTERFACE = Pattern.compile("(?:^|,)iface=([^,]+)");
    private static final int MAX_IDENTITY_LENGTH = 80;

    private DeviceNames()
    {
    }

    /**
     * Whether a device string is a PCI address (optionally with device arguments after a comma).
     *
     * @param device e.g. {@code 0000:03:00.0} or {@code net_af_packet0,iface=eth1}.
     * @return true for a PCI address.
     */
    public static boolean isPci(final String device)
    {
        return PCI_ADDRESS.matcher(device).matches();
    }

    /**
     * A file-name safe identity of the hardware a device string drives.
     *
     * @param device the device string of the configuration.
     * @return e.g. {@code 0000_03_00.0}, {@code iface-eth1} or {@code net_null0}.
     */
    public static String identity(final String device)
    {
        final String identity;
        final Matcher iface = INTERFACE.matcher(device);
        if (isPci(device))
        {
            final int comma = device.indexOf(',');
            identity = comma < 0 ? device : device.substring(0, comma);
        }
        else if (iface.find())
        {
            identity = "iface-" + iface.group(1);
        }
        else
        {
            identity = device;
        }
        final String safe = identity.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() <= MAX_IDENTITY_LENGTH)
        {
            return safe;
        }
        return safe.substring(0, MAX_IDENTITY_LENGTH - 9) + "-" + HexFormat.of().toHexDigits(device.hashCode());
    }

    /**
     * The stats file of a device when the configuration names none.
     *
     * @param device the device string.
     * @return {@code /dev/shm/sluice-IDENTITY.stats}.
     */
    public static Path defaultStatsFile(final String device)
    {
        return Path.of(DEFAULT_STATS_DIRECTORY, "sluice-" + identity(device) + ".stats");
    }

    /**
     * The lock file that makes a daemon the only one on its device.
     *
     * @param device the device string.
     * @return {@code /run/sluice/IDENTITY.lock} (or under {@value #LOCK_DIRECTORY_PROPERTY}).
     */
    public static Path lockFile(final String device)
    {
        return Path.of(System.getProperty(LOCK_DIRECTORY_PROPERTY, DEFAULT_LOCK_DIRECTORY), identity(device) + ".lock");
    }
}
