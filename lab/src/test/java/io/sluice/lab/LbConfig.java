package io.sluice.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The configuration a system test runs the Sluice daemon with in the lab, rendered as the YAML file
 * {@code sluice run --config} reads: the port {@code net_af_packet0} on the LB host's DPDK interface
 * ({@code sl-lb0} of lb1 by default, {@code sl-lb2-lan} of lb2 with {@link #on(LabLbHost)}), one
 * unpinned worker, the LB's addresses (also the tunnel sources; the router as gateway only with a
 * {@code nat} service, whose replies go to the clients through it: backends are on-link),
 * the services under test, and optionally flow sync ({@link Sync}) and VRRP ({@link Vrrp}).
 * Immutable; the {@code with...} methods give changed copies for reloads.
 *
 * @param lb         the LB host the daemon runs on: its DPDK interface and addresses.
 * @param services   the services, in file order.
 * @param statsFile  where the daemon publishes its counters.
 * @param sections   more top-level sections, as YAML text ({@code api:}, {@code metrics:}), or empty.
 * @param workerIdle {@code dataplane.workerIdle} ({@code spin}, {@code backoff}), or null for the default.
 * @param sync       the {@code sync:} section, or null for none.
 * @param vrrp       the {@code vrrp:} section, or null for none.
 * @param natPorts   {@code dataplane.natPorts} as YAML ({@code "{ first: 1024, last: 1031 }"}), or null for the default.
 * @param natAddresses {@code network.nat.addresses} when a service is {@code fullnat}, or null for the host's own
 *                   ({@link #natAddress}).
 */
record LbConfig(
    LabLbHost lb, List<Service> services, Path statsFile, String sections, String workerIdle, Sync sync, Vrrp vrrp, String natPorts,
    List<String> natAddresses)
{
    /** Where the daemons of the system tests publish their counters (tmpfs, like the demo's). */
    static final Path STATS_FILE = Path.of("/dev/shm/sluice-lab-system-test.stats");

    /** HTTP port of the VIPs: the backends serve HTTP on port 80 of every address. */
    static final int VIP_PORT = LabTopology.HTTP_PORT;

    /**
     * One backend of a service.
     *
     * @param backend the lab backend.
     * @param address its address the LB sends to: IPv4 or IPv6 LAN address.
     * @param weight  its Maglev weight, 0 drains.
     */
    record Backend(LabBackend backend, String address, int weight)
    {
    }

    /**
     * One virtual service.
     *
     * @param vip      the VIP literal.
     * @param port     the VIP port.
     * @param mode     {@code dsr}, {@code ipip} or {@code gue}.
     * @param backends its backends.
     * @param options  more keys of the service, as YAML text indented for it ({@code scheduler},
     *                 {@code healthCheck}), or empty.
     */
    record Service(String vip, int port, String mode, List<Backend> backends, String options)
    {
        /**
         * A service without further options.
         *
         * @param vip      the VIP literal.
         * @param port     the VIP port.
         * @param mode     the forwarding mode.
         * @param backends its backends.
         */
        Service(final String vip, final int port, final String mode, final List<Backend> backends)
        {
            this(vip, port, mode, backends, "");
        }

        /**
         * The same service with more keys.
         *
         * @param yaml keys of the service, each line indented by four spaces.
         * @return the copy.
         */
        Service withOptions(final String yaml)
        {
            return new Service(vip, port, mode, backends, yaml);
        }

        /**
         * A TCP service on port 80 over the three lab backends, addressed in the VIP's family.
         *
         * @param vip     the VIP literal.
         * @param mode    {@code dsr}, {@code ipip} or {@code gue}.
         * @param weights the weights of be1, be2 and be3.
         * @return the service.
         */
        static Service of(final String vip, final String mode, final int... weights)
        {
            if (weights.length != LabTopology.BACKEND_COUNT)
            {
                throw new IllegalArgumentException("one weight per lab backend (" + LabTopology.BACKEND_COUNT + "), not " + weights.length);
            }
            final boolean ipv6 = vip.contains(":");
            final List<Backend> backends = new ArrayList<>();
            for (int i = 0; i < weights.length; i++)
            {
                final LabBackend backend = LabTopology.BACKENDS.get(i);
                backends.add(new Backend(backend, ipv6 ? backend.ipv6() : backend.ipv4(), weights[i]));
            }
            return new Service(vip, VIP_PORT, mode, List.copyOf(backends));
        }

        /**
         * The same service with another VIP.
         *
         * @param otherVip the VIP literal.
         * @return the copy.
         */
        Service withVip(final String otherVip)
        {
            return new Service(otherVip, port, mode, backends, options);
        }

        /**
         * The same service with one backend's weight changed.
         *
         * @param backend the backend.
         * @param weight  its new weight.
         * @return the copy.
         */
        Service withWeight(final LabBackend backend, final int weight)
        {
            final List<Backend> changed = new ArrayList<>();
            for (final Backend existing : backends)
            {
                changed.add(existing.backend().equals(backend) ? new Backend(backend, existing.address(), weight) : existing);
            }
            return new Service(vip, port, mode, List.copyOf(changed), options);
        }

        /**
         * A backend's weight.
         *
         * @param backend the backend.
         * @return its weight in this service.
         * @throws IllegalArgumentException when the service does not have it.
         */
        int weight(final LabBackend backend)
        {
            return find(backend).weight();
        }

        /**
         * A backend's address in this service.
         *
         * @param backend the backend.
         * @return the address the LB sends its packets to.
         * @throws IllegalArgumentException when the service does not have it.
         */
        InetAddress address(final LabBackend backend)
        {
            return InetAddress.ofLiteral(find(backend).address());
        }

        /** @return the sum of the weights. */
        int totalWeight()
        {
            int total = 0;
            for (final Backend backend : backends)
            {
                total += backend.weight();
            }
            return total;
        }

        /** @return the VIP as an address. */
        InetAddress vipAddress()
        {
            return InetAddress.ofLiteral(vip);
        }

        private Backend find(final LabBackend backend)
        {
            for (final Backend existing : backends)
            {
                if (existing.backend().equals(backend))
                {
                    return existing;
                }
            }
            throw new IllegalArgumentException(vip + " has no backend " + backend.name());
        }

        private void appendYaml(final StringBuilder yaml)
        {
            yaml.append("  - vip: ").append(vip).append('\n')
                .append("    port: ").append(port).append('\n')
                .append("    mode: ").append(mode).append('\n')
                .append(options)
                .append("    backends:\n");
            for (final Backend backend : backends)
            {
                yaml.append("      - { address: ").append(backend.address()).append(", weight: ").append(backend.weight()).append(" }\n");
            }
        }
    }

    /**
     * Flow sync with the peer LBs: the {@code sync:} section.
     *
     * @param nodeId  this LB's id, unique per LB.
     * @param keyFile the shared key, see {@link #writeKey(Path)}.
     * @param listen  this LB's {@code address:port} on the sync network.
     * @param peers   the peers' {@code address:port}.
     */
    record Sync(int nodeId, Path keyFile, String listen, List<String> peers)
    {
        /** The UDP port every lab LB listens on for sync. */
        static final int PORT = 7311;

        private static final int KEY_BYTES = 32;

        /**
         * Copies the peers.
         */
        Sync
        {
            peers = List.copyOf(peers);
        }

        /**
         * Sync between lab LBs over the sync network's IPv4 addresses: node id 1 for lb1, 2 for lb2.
         *
         * @param self    the LB this section is for.
         * @param keyFile the key both share.
         * @param peers   the other LBs.
         * @return the section.
         */
        static Sync between(final LabLbHost self, final Path keyFile, final LabLbHost... peers)
        {
            final List<String> addresses = new ArrayList<>();
            for (final LabLbHost peer : peers)
            {
                addresses.add(peer.syncIpv4() + ":" + PORT);
            }
            return new Sync(LabTopology.LOAD_BALANCERS.indexOf(self) + 1, keyFile, self.syncIpv4() + ":" + PORT, addresses);
        }

        /**
         * Writes a new random key as the daemon wants it: {@value #KEY_BYTES} bytes in hex, the
         * file readable and writable by its owner only (created so, never readable by others).
         *
         * @param file where to write it (replaced).
         * @return the file.
         * @throws IOException when it cannot be written.
         */
        static Path writeKey(final Path file) throws IOException
        {
            final byte[] key = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, HexFormat.of().formatHex(key) + "\n", StandardCharsets.US_ASCII);
            return file;
        }

        private void appendYaml(final StringBuilder yaml)
        {
            yaml.append("sync:\n")
                .append("  nodeId: ").append(Integer.toUnsignedString(nodeId)).append('\n')
                .append("  keyFile: ").append(keyFile).append('\n')
                .append("  listen: \"").append(listen).append("\"\n")
                .append("  peers: [");
            for (int i = 0; i < peers.size(); i++)
            {
                yaml.append(i == 0 ? "\"" : ", \"").append(peers.get(i)).append('"');
            }
            yaml.append("]\n");
        }
    }

    /**
     * One VRRP router (instance) of the {@code vrrp:} section.
     *
     * @param name           its name, e.g. {@code v4}.
     * @param vrid           the virtual router id, 1..255.
     * @param priority       1..255.
     * @param advertInterval the advertisement interval, a multiple of 10 ms.
     * @param preempt        whether a higher priority takes over from a lower master.
     * @param preemptDelay   how long it waits before it does.
     * @param addresses      the virtual addresses.
     * @param unicastPeers   peers to send adverts to instead of the multicast group; empty for multicast.
     * @param source         the adverts' source address (IPv6: link-local, required), or null for the default.
     */
    record VrrpRouter(String name, int vrid, int priority, Duration advertInterval, boolean preempt, Duration preemptDelay,
        List<String> addresses, List<String> unicastPeers, String source)
    {
        /**
         * A router whose adverts come from the LB's first IPv4 address (the daemon's default).
         */
        VrrpRouter(final String name, final int vrid, final int priority, final Duration advertInterval, final boolean preempt,
            final Duration preemptDelay, final List<String> addresses, final List<String> unicastPeers)
        {
            this(name, vrid, priority, advertInterval, preempt, preemptDelay, addresses, unicastPeers, null);
        }

        /**
         * Checks the bounds the lab uses, copies the lists.
         */
        VrrpRouter
        {
            if (vrid < 1 || vrid > 255 || priority < 1 || priority > 255)
            {
                throw new IllegalArgumentException("vrid and priority are 1..255, not " + vrid + " and " + priority);
            }
            if (advertInterval.toMillis() <= 0 || advertInterval.toMillis() % 10 != 0 || advertInterval.toNanos() % 1_000_000 != 0)
            {
                throw new IllegalArgumentException("advertInterval is a positive multiple of 10ms, not " + advertInterval);
            }
            addresses = List.copyOf(addresses);
            unicastPeers = List.copyOf(unicastPeers);
        }

        /**
         * A multicast router with preemption at once and adverts every 100 ms.
         *
         * @param name      its name.
         * @param vrid      the virtual router id.
         * @param priority  its priority.
         * @param addresses the virtual addresses.
         * @return the router.
         */
        static VrrpRouter of(final String name, final int vrid, final int priority, final String... addresses)
        {
            return new VrrpRouter(name, vrid, priority, Duration.ofMillis(100), true, Duration.ZERO, List.of(addresses), List.of());
        }

        private void appendYaml(final StringBuilder yaml)
        {
            yaml.append("    - name: ").append(name).append('\n')
                .append("      vrid: ").append(vrid).append('\n')
                .append("      priority: ").append(priority).append('\n')
                .append("      advertInterval: ").append(duration(advertInterval)).append('\n')
                .append("      preempt: ").append(preempt).append('\n')
                .append("      preemptDelay: ").append(duration(preemptDelay)).append('\n')
                .append("      addresses: ").append(flowList(addresses)).append('\n')
                .append("      unicastPeers: ").append(flowList(unicastPeers)).append('\n');
            if (source != null)
            {
                yaml.append("      source: ").append(source).append('\n');
            }
        }

        private static String duration(final Duration duration)
        {
            final long millis = duration.toMillis();
            return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
        }

        private static String flowList(final List<String> items)
        {
            return "[" + String.join(", ", items) + "]";
        }
    }

    /**
     * The {@code vrrp:} section (the daemon's VRRPv3 routers).
     *
     * @param notifyScript the notify script, or null for none.
     * @param routers      the routers.
     */
    record Vrrp(Path notifyScript, List<VrrpRouter> routers)
    {
        /**
         * Copies the routers.
         */
        Vrrp
        {
            routers = List.copyOf(routers);
        }

        private void appendYaml(final StringBuilder yaml)
        {
            yaml.append("vrrp:\n");
            if (notifyScript != null)
            {
                yaml.append("  notify: ").append(notifyScript).append('\n');
            }
            yaml.append("  routers:\n");
            for (final VrrpRouter router : routers)
            {
                router.appendYaml(yaml);
            }
        }
    }

    /**
     * A configuration for lb1 with these services and the system tests' stats file.
     *
     * @param services the services.
     * @return the configuration.
     */
    static LbConfig of(final Service... services)
    {
        return new LbConfig(LabTopology.LB1, List.of(services), STATS_FILE, "", null, null, null, null, null);
    }

    /**
     * The same configuration for another LB host: its DPDK interface and addresses, and a stats
     * file of its own (lb1 keeps {@link #STATS_FILE}).
     *
     * @param host the LB host.
     * @return the copy.
     */
    LbConfig on(final LabLbHost host)
    {
        final Path stats = host.equals(LabTopology.LB1) ? STATS_FILE :
            STATS_FILE.resolveSibling("sluice-lab-system-test-" + host.name() + ".stats");
        return new LbConfig(host, services, stats, sections, workerIdle, sync, vrrp, natPorts, natAddresses);
    }

    /**
     * The same configuration with more top-level sections.
     *
     * @param yaml the sections, e.g. {@code "api: {}\n"}.
     * @return the copy.
     */
    LbConfig withSections(final String yaml)
    {
        return new LbConfig(lb, services, statsFile, yaml, workerIdle, sync, vrrp, natPorts, natAddresses);
    }

    /**
     * The same configuration with another worker idle strategy ({@code backoff} for two daemons
     * sharing a small host).
     *
     * @param idle {@code spin} or {@code backoff}.
     * @return the copy.
     */
    LbConfig withWorkerIdle(final String idle)
    {
        return new LbConfig(lb, services, statsFile, sections, idle, sync, vrrp, natPorts, natAddresses);
    }

    /**
     * The same configuration with flow sync, or without.
     *
     * @param section the {@code sync:} section, or null for none.
     * @return the copy.
     */
    LbConfig withSync(final Sync section)
    {
        return new LbConfig(lb, services, statsFile, sections, workerIdle, section, vrrp, natPorts, natAddresses);
    }

    /**
     * The same configuration with VRRP, or without.
     *
     * @param section the {@code vrrp:} section, or null for none.
     * @return the copy.
     */
    LbConfig withVrrp(final Vrrp section)
    {
        return new LbConfig(lb, services, statsFile, sections, workerIdle, sync, section, natPorts, natAddresses);
    }

    /**
     * The same configuration with a service replaced (same VIP and port) or, when there is none
     * such, added at the end.
     *
     * @param service the new form of the service.
     * @return the copy.
     */
    LbConfig with(final Service service)
    {
        final List<Service> changed = new ArrayList<>();
        boolean replaced = false;
        for (final Service existing : services)
        {
            if (existing.vip().equals(service.vip()) && existing.port() == service.port())
            {
                changed.add(service);
                replaced = true;
            }
            else
            {
                changed.add(existing);
            }
        }
        if (!replaced)
        {
            changed.add(service);
        }
        return new LbConfig(lb, List.copyOf(changed), statsFile, sections, workerIdle, sync, vrrp, natPorts, natAddresses);
    }

    /**
     * Whether a service forwards by NAT: the backends must then route their replies through the
     * LB ({@code lab.sh nat-route}, which {@link LabLoadBalancer} sets up) and the LB sends them
     * to the router, its gateway (written only then, so tunnels stay on-link otherwise).
     *
     * @return true when a service's mode is {@code nat}.
     */
    boolean hasNatService()
    {
        return services.stream().anyMatch(service -> service.mode().equals("nat"));
    }

    /**
     * The same configuration with another full-NAT port range (restart-only in the daemon).
     *
     * @param yaml e.g. {@code "{ first: 1024, last: 1031 }"}.
     * @return the copy.
     */
    LbConfig withNatPorts(final String yaml)
    {
        return new LbConfig(lb, services, statsFile, sections, workerIdle, sync, vrrp, yaml, natAddresses);
    }

    /**
     * A copy whose {@code network.nat.addresses} are these (a VRRP virtual address shared by both LBs,
     * say) rather than the host's own.
     *
     * @param addresses the NAT addresses.
     * @return the copy.
     */
    LbConfig withNatAddresses(final List<String> addresses)
    {
        return new LbConfig(lb, services, statsFile, sections, workerIdle, sync, vrrp, natPorts, List.copyOf(addresses));
    }

    /**
     * The NAT address of an LB host for a family: lb1 203.0.113.20 / 2001:db8:113::20, lb2 .21 / ::21
     * (each LB its own, as full NAT wants).
     */
    static String natAddress(final LabLbHost host, final boolean ipv6)
    {
        final int n = host.equals(LabTopology.LB1) ? 20 : 21;
        return ipv6 ? "2001:db8:113::" + n : "203.0.113." + n;
    }

    /** @return true when a service's mode is {@code fullnat}: the LB then has a NAT address per family. */
    boolean hasFullNatService()
    {
        return services.stream().anyMatch(service -> service.mode().equals("fullnat"));
    }

    /** @return the YAML text of the configuration file. */
    String yaml()
    {
        final StringBuilder yaml = new StringBuilder()
            .append("# Written by a lab system test (lab/src/test/java/io/sluice/lab); see lab/README.md.\n")
            .append("dataplane:\n")
            .append("  device: \"").append(lb.afPacketDevice(0)).append("\"\n")
            .append("  workers: 1\n")
            .append("  mainCore: 0\n")
            .append("  descriptors: { rx: 512, tx: 512 }\n")
            .append("  flowTable: { capacity: 65536 }\n");
        if (workerIdle != null)
        {
            yaml.append("  workerIdle: ").append(workerIdle).append('\n');
        }
        if (natPorts != null)
        {
            yaml.append("  natPorts: ").append(natPorts).append('\n');
        }
        yaml.append("network:\n")
            .append("  addresses: [").append(lb.ipv4()).append(", ").append(lb.ipv6()).append("]\n")
            .append("  tunnel: { sources: [").append(lb.ipv4()).append(", ").append(lb.ipv6()).append("] }\n");
        if (hasNatService() || hasFullNatService())
        {
            yaml.append("  gateway: { ipv4: ").append(LabTopology.ROUTER_LAN_IPV4).append(", ipv6: ")
                .append(LabTopology.ROUTER_LAN_IPV6).append(" }\n");
        }
        if (hasFullNatService())
        {
            yaml.append("  nat: { addresses: [").append(natAddresses != null ? String.join(", ", natAddresses) :
                natAddress(lb, false) + ", " + natAddress(lb, true)).append("] }\n");
        }
        yaml.append("services:\n");
        for (final Service service : services)
        {
            service.appendYaml(yaml);
        }
        yaml.append("stats:\n").append("  file: ").append(statsFile).append('\n').append(sections);
        if (sync != null)
        {
            sync.appendYaml(yaml);
        }
        if (vrrp != null)
        {
            vrrp.appendYaml(yaml);
        }
        return yaml.toString();
    }
}
