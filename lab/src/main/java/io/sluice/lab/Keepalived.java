package io.sluice.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * keepalived as a VRRP peer in a lab namespace, for the tests that check Sluice's VRRP against the
 * reference implementation: one keepalived process (VRRP only) with a configuration generated from
 * a {@link Config}, in VRRPv3, with one or more instances (an IPv4 and an IPv6 one, typically) on one
 * interface of the namespace.
 * <p>
 * Everything of one keepalived lives in its own directory (configuration, the notify script, the
 * state file, the log and the three pid files: keepalived's defaults in {@code /run} are shared by
 * every namespace, so two instances without private pid files would collide). Its state as
 * keepalived reports it is read from the state file, which the notify script appends
 * {@code INSTANCE STATE PRIORITY} to on every transition. {@link #stop()} ends it as an operator
 * does (SIGTERM: a master sends priority 0 and removes its addresses first); {@link #crash()} kills
 * it without a word, as a host that dies. Either way no process is left; {@code lab.sh down} also
 * ends a keepalived a killed test left in a lab namespace.
 */
public final class Keepalived implements AutoCloseable
{
    /** How long keepalived may take to start (its VRRP child's pid file written) or to stop. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** What {@link #state(String)} answers before keepalived reported anything for an instance. */
    public static final String NO_STATE = "INIT";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final long POLL_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Config config;
    private final Path directory;
    private final Process process;
    private final long vrrpPid;

    private Keepalived(final Config config, final Path directory, final Process process, final long vrrpPid)
    {
        this.config = config;
        this.directory = directory;
        this.process = process;
        this.vrrpPid = vrrpPid;
    }

    /**
     * One VRRP instance: a virtual router, its addresses (all of one family: keepalived makes an
     * instance IPv4 or IPv6 by its addresses) and, optionally, unicast peers instead of multicast.
     *
     * @param name             the instance's name, as the state file reports it: {@code V4}.
     * @param virtualRouterId  the VRID, 1 to 255.
     * @param virtualAddresses the virtual addresses, with or without a prefix length ({@code 192.0.2.10/32}).
     * @param unicastSource    the source address of unicast adverts, or null for keepalived's choice.
     * @param unicastPeers     the peers adverts go to by unicast; empty for multicast (224.0.0.18, ff02::12).
     */
    public record Instance(String name, int virtualRouterId, List<String> virtualAddresses, String unicastSource,
        List<String> unicastPeers)
    {
        /**
         * Checks and copies the lists.
         *
         * @throws IllegalArgumentException when a name, VRID or address is not usable.
         */
        public Instance
        {
            if (name == null || !NAME.matcher(name).matches())
            {
                throw new IllegalArgumentException("instance name '" + name + "': letters, digits, '_' and '-' only, 1 to 32");
            }
            if (virtualRouterId < 1 || virtualRouterId > 255)
            {
                throw new IllegalArgumentException("instance " + name + ": VRID " + virtualRouterId + " is not 1 to 255");
            }
            virtualAddresses = List.copyOf(virtualAddresses);
            unicastPeers = List.copyOf(unicastPeers);
            if (virtualAddresses.isEmpty())
            {
                throw new IllegalArgumentException("instance " + name + " has no virtual address");
            }
            final boolean ipv6 = isIpv6(name, virtualAddresses.getFirst());
            for (final String address : virtualAddresses)
            {
                if (isIpv6(name, address) != ipv6)
                {
                    throw new IllegalArgumentException("instance " + name + " mixes IPv4 and IPv6 addresses: " + virtualAddresses);
                }
            }
            for (final String peer : unicastPeers)
            {
                isIpv6(name, peer);
            }
            if (unicastSource != null)
            {
                isIpv6(name, unicastSource);
            }
        }

        /**
         * A multicast instance.
         *
         * @param name             the instance's name.
         * @param virtualRouterId  the VRID, 1 to 255.
         * @param virtualAddresses its virtual addresses, all of one family.
         * @return the instance.
         */
        public static Instance multicast(final String name, final int virtualRouterId, final String... virtualAddresses)
        {
            return new Instance(name, virtualRouterId, List.of(virtualAddresses), null, List.of());
        }

        /**
         * The same instance, advertising by unicast to the given peers.
         *
         * @param source the source address of the adverts (an address of the interface), or null.
         * @param peers  the peers' addresses.
         * @return the unicast instance.
         */
        public Instance unicast(final String source, final String... peers)
        {
            return new Instance(name, virtualRouterId, virtualAddresses, source, List.of(peers));
        }

        private static boolean isIpv6(final String instance, final String address)
        {
            final int slash = address.indexOf('/');
            try
            {
                return InetAddress.ofLiteral(slash < 0 ? address : address.substring(0, slash)).getAddress().length == 16;
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("instance " + instance + ": '" + address + "' is not an IP address", ex);
            }
        }
    }

    /**
     * What one keepalived runs: where, with which priority and preemption, which instances.
     *
     * @param name               names its directory and its {@code router_id}: {@code ka-lb2}.
     * @param namespace          the network namespace it runs in: {@code sl-lb2}.
     * @param interfaceName      the interface of every instance: {@code sl-lb2-mgmt}.
     * @param priority           1 to 255 (255: the address owner).
     * @param preempt            whether a higher priority takes over from a running master ({@code nopreempt} when false).
     * @param preemptDelay       how long a preempting backup waits first; zero for none.
     * @param advertIntervalCs   the advertisement interval in centiseconds, 1 to 4095 (VRRPv3).
     * @param instances          the VRRP instances, distinct names and VRIDs per family.
     */
    public record Config(String name, String namespace, String interfaceName, int priority, boolean preempt,
        Duration preemptDelay, int advertIntervalCs, List<Instance> instances)
    {
        /**
         * Checks the values and copies the list.
         *
         * @throws IllegalArgumentException when a value is out of range or two instances clash.
         */
        public Config
        {
            if (name == null || !NAME.matcher(name).matches())
            {
                throw new IllegalArgumentException("keepalived name '" + name + "': letters, digits, '_' and '-' only, 1 to 32");
            }
            if (priority < 1 || priority > 255)
            {
                throw new IllegalArgumentException("priority " + priority + " is not 1 to 255");
            }
            if (preemptDelay.isNegative() || preemptDelay.compareTo(Duration.ofSeconds(1000)) > 0)
            {
                throw new IllegalArgumentException("preempt delay " + preemptDelay + " is not 0 to 1000 s");
            }
            if (!preempt && !preemptDelay.isZero())
            {
                throw new IllegalArgumentException("a preempt delay without preemption means nothing");
            }
            if (advertIntervalCs < 1 || advertIntervalCs > 4095)
            {
                throw new IllegalArgumentException("advertisement interval " + advertIntervalCs + " cs is not 1 to 4095");
            }
            instances = List.copyOf(instances);
            if (instances.isEmpty())
            {
                throw new IllegalArgumentException("keepalived " + name + " has no VRRP instance");
            }
            for (int i = 0; i < instances.size(); i++)
            {
                for (int j = i + 1; j < instances.size(); j++)
                {
                    checkDistinct(instances.get(i), instances.get(j));
                }
            }
        }

        /**
         * A configuration with priority 100, preemption without delay and adverts every 10 cs (0.1 s).
         *
         * @param name          names its directory and its {@code router_id}.
         * @param namespace     the network namespace.
         * @param interfaceName the interface of the instances.
         * @param instances     the VRRP instances.
         * @return the configuration.
         */
        public static Config of(final String name, final String namespace, final String interfaceName,
            final Instance... instances)
        {
            return new Config(name, namespace, interfaceName, 100, true, Duration.ZERO, 10, List.of(instances));
        }

        /**
         * @param newPriority 1 to 255.
         * @return this configuration with that priority.
         */
        public Config withPriority(final int newPriority)
        {
            return new Config(name, namespace, interfaceName, newPriority, preempt, preemptDelay, advertIntervalCs, instances);
        }

        /**
         * @param delay how long a preempting backup waits; zero for at once.
         * @return this configuration, preempting after that delay.
         */
        public Config withPreempt(final Duration delay)
        {
            return new Config(name, namespace, interfaceName, priority, true, delay, advertIntervalCs, instances);
        }

        /** @return this configuration with {@code nopreempt}: a running master keeps its role. */
        public Config withNoPreempt()
        {
            return new Config(name, namespace, interfaceName, priority, false, Duration.ZERO, advertIntervalCs, instances);
        }

        /**
         * @param intervalCs the advertisement interval in centiseconds.
         * @return this configuration with that interval.
         */
        public Config withAdvertInterval(final int intervalCs)
        {
            return new Config(name, namespace, interfaceName, priority, preempt, preemptDelay, intervalCs, instances);
        }

        /**
         * The keepalived configuration file: VRRPv3, every instance starting as BACKUP (required
         * with {@code nopreempt} and a preempt delay; an owner, priority 255, takes over at once
         * anyway), no {@code vrrp_strict} (it forbids unicast peers and preempt delays).
         *
         * @param notifyScript the script every instance runs on a transition.
         * @return the file's text.
         */
        public String text(final Path notifyScript)
        {
            final StringBuilder text = new StringBuilder()
                .append("global_defs {\n")
                .append("    router_id ").append(name).append('\n')
                .append("    vrrp_version 3\n")
                .append("    script_user root\n")
                .append("}\n");
            for (final Instance instance : instances)
            {
                text.append("vrrp_instance ").append(instance.name()).append(" {\n")
                    .append("    state BACKUP\n")
                    .append("    interface ").append(interfaceName).append('\n')
                    .append("    virtual_router_id ").append(instance.virtualRouterId()).append('\n')
                    .append("    priority ").append(priority).append('\n')
                    .append("    advert_int ").append(String.format(Locale.ROOT, "%.2f", advertIntervalCs / 100.0)).append('\n');
                if (!preempt)
                {
                    text.append("    nopreempt\n");
                }
                else if (!preemptDelay.isZero())
                {
                    text.append("    preempt_delay ")
                        .append(String.format(Locale.ROOT, "%.3f", preemptDelay.toMillis() / 1000.0)).append('\n');
                }
                if (instance.unicastSource() != null)
                {
                    text.append("    unicast_src_ip ").append(instance.unicastSource()).append('\n');
                }
                if (!instance.unicastPeers().isEmpty())
                {
                    text.append("    unicast_peer {\n");
                    instance.unicastPeers().forEach(peer -> text.append("        ").append(peer).append('\n'));
                    text.append("    }\n");
                }
                text.append("    virtual_ipaddress {\n");
                instance.virtualAddresses().forEach(address ->
                    text.append("        ").append(address).append(" dev ").append(interfaceName).append('\n'));
                text.append("    }\n")
                    .append("    notify \"").append(notifyScript).append("\"\n")
                    .append("}\n");
            }
            return text.toString();
        }

        private static void checkDistinct(final Instance a, final Instance b)
        {
            if (a.name().equals(b.name()))
            {
                throw new IllegalArgumentException("two instances named " + a.name());
            }
            if (a.virtualRouterId() == b.virtualRouterId() &&
                Instance.isIpv6(a.name(), a.virtualAddresses().getFirst()) == Instance.isIpv6(b.name(), b.virtualAddresses().getFirst()))
            {
                throw new IllegalArgumentException("instances " + a.name() + " and " + b.name() + " share VRID " +
                    a.virtualRouterId() + " in one family");
            }
        }
    }

    /**
     * Writes the configuration and the notify script into {@code directory/keepalived-NAME/}
     * (emptied first) and starts keepalived in the configuration's namespace, VRRP only, in the
     * foreground; returns once its VRRP process runs. Each instance starts as BACKUP and, with no
     * peer, becomes MASTER after the master-down interval (about three advertisement intervals).
     *
     * @param directory where the files go, e.g. {@link LabScript#runDirectory()} (removed by {@code lab.sh down}).
     * @param config    what to run.
     * @return the running keepalived.
     * @throws IllegalStateException when it cannot start, quoting its log, or when one of the same name runs.
     */
    public static Keepalived start(final Path directory, final Config config)
    {
        final Path home = directory.toAbsolutePath().resolve("keepalived-" + config.name());
        final Path state = home.resolve("state");
        if (state.toString().contains("'"))
        {
            throw new IllegalArgumentException("a quote in " + state + " would break the notify script");
        }
        final Path log = home.resolve("keepalived.log");
        final Optional<Long> earlier = readPid(home.resolve("keepalived.pid"));
        if (earlier.isPresent() && isRunning(earlier.get()))
        {
            throw new IllegalStateException("keepalived " + config.name() + " already runs (pid " + earlier.get() + ")");
        }
        try
        {
            clear(home);
            Files.createDirectories(home);
            final Path notify = home.resolve("notify.sh");
            Files.writeString(notify, "#!/bin/sh\n# keepalived appends: INSTANCE|GROUP NAME STATE PRIORITY\n" +
                "printf '%s %s %s\\n' \"$2\" \"$3\" \"$4\" >> '" + state + "'\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(notify, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(state, "", StandardCharsets.UTF_8);
            Files.writeString(home.resolve("keepalived.conf"), config.text(notify), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write keepalived's files in " + home, ex);
        }
        final List<String> command = new ArrayList<>(Commands.namespaced(config.namespace(),
            "keepalived", "-n", "-l", "-D", "-G", "-P", "-R", "-f", home.resolve("keepalived.conf").toString(),
            "-p", home.resolve("keepalived.pid").toString(), "-r", home.resolve("vrrp.pid").toString(),
            "-c", home.resolve("checker.pid").toString()));
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot start " + String.join(" ", command) + " (Debian package keepalived): " +
                ex.getMessage(), ex);
        }
        final long vrrpPid = awaitVrrpPid(home.resolve("vrrp.pid"), process, log);
        return new Keepalived(config, home, process, vrrpPid);
    }

    /** @return what it runs. */
    public Config config()
    {
        return config;
    }

    /** @return its directory: configuration, notify script, state file, log, pid files. */
    public Path directory()
    {
        return directory;
    }

    /** @return the pid of keepalived's parent process. */
    public long pid()
    {
        return process.pid();
    }

    /** @return the pid of its VRRP process, the one that sends and receives adverts. */
    public long vrrpPid()
    {
        return vrrpPid;
    }

    /** @return whether its parent or its VRRP process still runs. */
    public boolean isRunning()
    {
        return process.isAlive() || isRunning(vrrpPid);
    }

    /**
     * Every transition keepalived reported so far, oldest first.
     *
     * @return lines {@code INSTANCE STATE PRIORITY}, e.g. {@code V4 MASTER 100}; states are
     *         BACKUP, MASTER, FAULT, STOP (on a clean stop) and DELETED.
     */
    public List<String> transitions()
    {
        try
        {
            return Files.readAllLines(directory.resolve("state"), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read keepalived's state file", ex);
        }
    }

    /**
     * The state keepalived last reported for an instance.
     *
     * @param instance the instance's name.
     * @return MASTER, BACKUP, FAULT, STOP..., or {@value #NO_STATE} before its first report.
     */
    public String state(final String instance)
    {
        String state = NO_STATE;
        for (final String line : transitions())
        {
            final String[] fields = line.split(" ");
            if (fields.length >= 2 && fields[0].equals(instance))
            {
                state = fields[1];
            }
        }
        return state;
    }

    /**
     * Waits until keepalived reports a state for an instance.
     *
     * @param instance the instance's name.
     * @param state    e.g. {@code MASTER}.
     * @param timeout  how long to wait.
     * @return whether it did in time.
     */
    public boolean awaitState(final String instance, final String state, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!state.equals(state(instance)))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
            LockSupport.parkNanos(POLL_INTERVAL_NS);
        }
        return true;
    }

    /** @return its log so far (keepalived's own messages, detailed), for failure messages. */
    public String log()
    {
        try
        {
            return Files.readString(directory.resolve("keepalived.log"), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return "(cannot read " + directory.resolve("keepalived.log") + ": " + ex.getMessage() + ")";
        }
    }

    /**
     * Stops it as an operator does: SIGTERM; a master advertises priority 0 and removes its virtual
     * addresses, every instance reports STOP. Returns once neither process runs (SIGKILL after
     * {@link #TIMEOUT}). Does nothing when it is not running.
     */
    public void stop()
    {
        process.destroy();
        awaitExit();
    }

    /**
     * Kills it as a host dies: SIGKILL to the VRRP process (no priority-0 advert, its addresses
     * stay on the interface), then to the parent (which does not respawn it: {@code -R}).
     */
    public void crash()
    {
        ProcessHandle.of(vrrpPid).ifPresent(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitExit();
    }

    /** Stops it ({@link #stop()}) when it still runs. */
    @Override
    public void close()
    {
        if (isRunning())
        {
            stop();
        }
    }

    private void awaitExit()
    {
        try
        {
            if (!process.waitFor(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS))
            {
                ProcessHandle.of(vrrpPid).ifPresent(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for keepalived " + config.name() + " to stop", ex);
        }
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        while (isRunning(vrrpPid))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                ProcessHandle.of(vrrpPid).ifPresent(ProcessHandle::destroyForcibly);
                throw new IllegalStateException("keepalived " + config.name() + "'s VRRP process " + vrrpPid +
                    " outlived its parent; killed");
            }
            LockSupport.parkNanos(POLL_INTERVAL_NS);
        }
    }

    private static long awaitVrrpPid(final Path pidFile, final Process process, final Path log)
    {
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        while (true)
        {
            final Optional<Long> pid = readPid(pidFile);
            if (pid.isPresent())
            {
                return pid.get();
            }
            if (!process.isAlive() || System.nanoTime() - deadlineNs > 0)
            {
                process.destroyForcibly();
                throw new IllegalStateException("keepalived did not start" + (process.isAlive() ? " within " + TIMEOUT : "") +
                    ": " + readLog(log));
            }
            LockSupport.parkNanos(POLL_INTERVAL_NS);
        }
    }

    private static Optional<Long> readPid(final Path pidFile)
    {
        try
        {
            final String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        }
        catch (final IOException | NumberFormatException ex)
        {
            return Optional.empty();
        }
    }

    private static String readLog(final Path log)
    {
        try
        {
            return Files.readString(log, StandardCharsets.UTF_8).strip();
        }
        catch (final IOException ex)
        {
            return "(no log: " + ex.getMessage() + ")";
        }
    }

    /** Running, not a zombie waiting to be reaped. */
    private static boolean isRunning(final long pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static void clear(final Path home) throws IOException
    {
        if (Files.isDirectory(home))
        {
            try (var files = Files.list(home))
            {
                for (final Path file : files.toList())
                {
                    Files.delete(file);
                }
            }
        }
    }
}
