package io.sluice.controlplane;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sluice.controlplane.config.DataplaneSection;
import io.sluice.controlplane.config.DeviceNames;
import io.sluice.dpdk.MbufPool;

/**
 * Checks and hints for what most often keeps a daemon from starting, so that the log says what to
 * do rather than only what DPDK said.
 */
final class StartupChecks
{
    /** What to look at when EAL does not start. */
    static final String EAL_HINTS = """
          check: the daemon runs as root; hugepages are reserved and free (grep Huge /proc/meminfo;
          reserve: echo 512 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages, or ./sluice setup);
          the extra arguments under dataplane.eal are valid EAL arguments.""";

    private static final Path HUGEPAGES = Path.of("/sys/kernel/mm/hugepages");
    private static final Pattern PAGE_SIZE = Pattern.compile("hugepages-([0-9]+)kB");
    private static final int MBUF_OVERHEAD_BYTES = 384;

    private StartupChecks()
    {
    }

    /**
     * Checks that hugepages are free for the mbuf pool, unless EAL is told to run without them.
     *
     * @param dataplane the dataplane section.
     * @return what is wrong and how to fix it, or null when enough pages look free (or cannot be read).
     */
    static String hugepageProblem(final DataplaneSection dataplane)
    {
        if (dataplane.ealArguments().contains("--no-huge") || !Files.isDirectory(HUGEPAGES))
        {
            return null;
        }
        long freeBytes = 0;
        try (DirectoryStream<Path> sizes = Files.newDirectoryStream(HUGEPAGES, "hugepages-*"))
        {
            for (final Path size : sizes)
            {
                final Matcher matcher = PAGE_SIZE.matcher(size.getFileName().toString());
                if (matcher.matches())
                {
                    final long pages = Long.parseLong(Files.readString(size.resolve("free_hugepages")).strip());
                    freeBytes += pages * Long.parseLong(matcher.group(1)) * 1024;
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            return null;
        }
        final long neededBytes = (long)dataplane.mbufs() * (MbufPool.DEFAULT_DATA_ROOM_SIZE + MBUF_OVERHEAD_BYTES);
        if (freeBytes >= neededBytes)
        {
            return null;
        }
        return "not enough free hugepages: " + (freeBytes >> 20) + " MiB free, the pool of " + dataplane.mbufs() +
            " mbufs needs about " + (neededBytes >> 20) + " MiB. As root: echo 1024 > " +
            "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages (or ./sluice setup), or lower dataplane.mbufs";
    }

    /**
     * Checks that the main core and every worker core are CPUs this process may run on, so that a
     * worker never dies pinning itself to a CPU that is not there.
     *
     * @param dataplane the dataplane section.
     * @return which CPU is not available and which are, or null when all are (or the set cannot be read).
     */
    static String cpuProblem(final DataplaneSection dataplane)
    {
        final String allowedList;
        try
        {
            allowedList = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("Cpus_allowed_list:"))
                .map(line -> line.substring("Cpus_allowed_list:".length()).strip())
                .findFirst().orElse(null);
        }
        catch (final IOException ex)
        {
            return null;
        }
        if (allowedList == null)
        {
            return null;
        }
        final BitSet allowed = new BitSet();
        for (final String range : allowedList.split(","))
        {
            final String[] bounds = range.strip().split("-");
            try
            {
                final int first = Integer.parseInt(bounds[0]);
                allowed.set(first, (bounds.length > 1 ? Integer.parseInt(bounds[1]) : first) + 1);
            }
            catch (final NumberFormatException ex)
            {
                return null;
            }
        }
        final List<Integer> wanted = new ArrayList<>(dataplane.workerCpus());
        wanted.add(dataplane.mainCore());
        for (final int cpu : wanted)
        {
            if (cpu >= 0 && !allowed.get(cpu))
            {
                return "CPU " + cpu + " (dataplane." + (cpu == dataplane.mainCore() ? "mainCore" : "cores") +
                    ") is not available to this process; it may use CPUs " + allowedList + " (see lscpu, taskset -p $$)";
            }
        }
        return null;
    }

    /**
     * What to look at when the device does not open.
     *
     * @param device the device string.
     * @return hints for a PCI device or a vdev.
     */
    static String deviceHints(final String device)
    {
        if (DeviceNames.isPci(device))
        {
            return "  check: the NIC is bound to vfio-pci (dpdk-devbind.py --status; dpdk-devbind.py -b vfio-pci " +
                device.split(",")[0] + "), the IOMMU is on (intel_iommu=on) or vfio is in no-IOMMU mode, " +
                "and no other DPDK process uses it.";
        }
        return "  check: the vdev string is right (e.g. net_af_packet0,iface=eth1), the interface exists and is up " +
            "(ip link show), and no other process uses the device.";
    }
}
