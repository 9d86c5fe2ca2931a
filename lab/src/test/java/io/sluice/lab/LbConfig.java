package io.sluice.lab;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration a system test runs the Sluice daemon with in the lab, rendered as the YAML file
 * {@code sluice run --config} reads: the port {@code net_af_packet0} on {@code sl-lb0}, one
 * unpinned worker, the LB's addresses (also the tunnel sources, no gateway: backends are on-link),
 * and the services under test. Immutable; the {@code with...} methods give changed copies for
 * reloads.
 *
 * @param services  the services, in file order.
 * @param statsFile where the daemon publishes its counters.
 * @param sections  more top-level sections, as YAML text ({@code api:}, {@code metrics:}), or empty.
 */
record LbConfig(List<Service> services, Path statsFile, String sections)
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
     * A configuration with these services and the system tests' stats file.
     *
     * @param services the services.
     * @return the configuration.
     */
    static LbConfig of(final Service... services)
    {
        return new LbConfig(List.of(services), STATS_FILE, "");
    }

    /**
     * The same configuration with more top-level sections.
     *
     * @param yaml the sections, e.g. {@code "api: {}\n"}.
     * @return the copy.
     */
    LbConfig withSections(final String yaml)
    {
        return new LbConfig(services, statsFile, yaml);
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
        return new LbConfig(List.copyOf(changed), statsFile, sections);
    }

    /** @return the YAML text of the configuration file. */
    String yaml()
    {
        final StringBuilder yaml = new StringBuilder()
            .append("# Written by a lab system test (lab/src/test/java/io/sluice/lab); see lab/README.md.\n")
            .append("dataplane:\n")
            .append("  device: \"").append(LabTopology.afPacketDevice(0)).append("\"\n")
            .append("  workers: 1\n")
            .append("  mainCore: 0\n")
            .append("  descriptors: { rx: 512, tx: 512 }\n")
            .append("  flowTable: { capacity: 65536 }\n")
            .append("network:\n")
            .append("  addresses: [").append(LabTopology.LB_IPV4).append(", ").append(LabTopology.LB_IPV6).append("]\n")
            .append("  tunnel: { sources: [").append(LabTopology.LB_IPV4).append(", ").append(LabTopology.LB_IPV6).append("] }\n")
            .append("services:\n");
        for (final Service service : services)
        {
            service.appendYaml(yaml);
        }
        return yaml.append("stats:\n").append("  file: ").append(statsFile).append('\n').append(sections).toString();
    }
}
