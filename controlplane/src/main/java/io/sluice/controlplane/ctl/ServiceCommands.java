package io.sluice.controlplane.ctl;

import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.FieldMask;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.sluice.controlplane.api.v1.AddServiceRequest;
import io.sluice.controlplane.api.v1.ClientAddress;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.RemoveServiceRequest;
import io.sluice.controlplane.api.v1.Scheduler;
import io.sluice.controlplane.api.v1.ServiceFlag;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.api.v1.ServiceSettings;
import io.sluice.controlplane.api.v1.UpdateServiceRequest;

/**
 * The {@code sluice ctl} subcommands that add, change and remove services. Each prints
 * {@code generation N: what changed} (with {@code --json}, the {@code ChangeResponse}).
 */
final class ServiceCommands
{
    private ServiceCommands()
    {
    }

    /**
     * The service settings {@code add-service} and {@code update-service} share. Each given option
     * is one field of {@code ServiceSettings}, so {@code update-service} changes exactly those.
     */
    static final class SettingsOptions
    {
        @Option(names = "--scheduler", paramLabel = "NAME", converter = CtlArguments.SchedulerConverter.class,
            description = "weighted-maglev (a new service's default), maglev, source-hash, least-conn, weighted-round-robin, least-response-time")
        private Scheduler scheduler;

        @Option(names = "--flag", paramLabel = "FLAG", converter = CtlArguments.FlagConverter.class,
            description = "reset-on-down or ops (UDP only); repeat for both; replaces the service's flags")
        private List<ServiceFlag> flags;

        @Option(names = "--quorum", paramLabel = "N", converter = CtlArguments.UnsignedConverter.class,
            description = "the fewest backends taking new flows with which the service is up (default 1)")
        private Integer quorum;

        @Option(names = "--sorry", paramLabel = "ADDR", description = "the backend taking new flows while below the quorum")
        private String sorry;

        @Option(names = "--maglev-size", paramLabel = "M", converter = CtlArguments.UnsignedConverter.class,
            description = "Maglev table size, a prime (default 65537)")
        private Integer maglevSize;

        @Option(names = "--tcp-idle", paramLabel = "DURATION", converter = CtlArguments.DurationConverter.class,
            description = "idle timeout of a TCP flow (default: the configuration's timeouts.tcpIdle)")
        private com.google.protobuf.Duration tcpIdle;

        @Option(names = "--udp-idle", paramLabel = "DURATION", converter = CtlArguments.DurationConverter.class,
            description = "idle timeout of a UDP flow (default: the configuration's timeouts.udpIdle)")
        private com.google.protobuf.Duration udpIdle;

        @Option(names = "--backend-port", paramLabel = "PORT", converter = CtlArguments.UnsignedConverter.class,
            description = "the port the backends serve on, for modes nat and fullnat (0 or omitted: the VIP port)")
        private Integer backendPort;

        @Option(names = "--client-address", paramLabel = "CARRIER", converter = CtlArguments.ClientAddressConverter.class,
            description = "how fullnat backends learn the client: none, toa (TCP) or proxy-v2 (UDP)")
        private ClientAddress clientAddress;

        @Option(names = "--toa-kind", paramLabel = "KIND", converter = CtlArguments.UnsignedConverter.class,
            description = "the TOA option's kind the backends' module reads (0 or omitted: 254)")
        private Integer toaKind;

        @Option(names = "--mss-clamp", paramLabel = "BYTES", converter = CtlArguments.UnsignedConverter.class,
            description = "the largest MSS of SYNs and SYN-ACKs, for nat and fullnat TCP services (0: no clamp)")
        private Integer mssClamp;

        /**
         * Sets the given options.
         *
         * @param settings the settings to write into.
         * @return the names of the fields set, for a field mask.
         */
        List<String> writeTo(final ServiceSettings.Builder settings)
        {
            final List<String> paths = new ArrayList<>();
            if (scheduler != null)
            {
                settings.setScheduler(scheduler);
                paths.add("scheduler");
            }
            if (flags != null)
            {
                settings.addAllFlags(flags);
                paths.add("flags");
            }
            if (quorum != null)
            {
                settings.setQuorum(quorum);
                paths.add("quorum");
            }
            if (sorry != null)
            {
                settings.setSorryBackend(sorry);
                paths.add("sorry_backend");
            }
            if (tcpIdle != null)
            {
                settings.setTcpIdleTimeout(tcpIdle);
                paths.add("tcp_idle_timeout");
            }
            if (udpIdle != null)
            {
                settings.setUdpIdleTimeout(udpIdle);
                paths.add("udp_idle_timeout");
            }
            if (maglevSize != null)
            {
                settings.setMaglevSize(maglevSize);
                paths.add("maglev_size");
            }
            if (backendPort != null)
            {
                settings.setBackendPort(backendPort);
                paths.add("backend_port");
            }
            if (clientAddress != null)
            {
                settings.setClientAddress(clientAddress);
                paths.add("client_address");
            }
            if (toaKind != null)
            {
                settings.setToaKind(toaKind);
                paths.add("toa_kind");
            }
            if (mssClamp != null)
            {
                settings.setMssClamp(mssClamp);
                paths.add("mss_clamp");
            }
            return paths;
        }
    }

    /**
     * {@code sluice ctl add-service VIP:PORT[/PROTO] --mode MODE [settings]}.
     */
    @Command(name = "add-service", mixinStandardHelpOptions = true,
        description = "Adds a service without backends (add them with add-backend).")
    static final class AddService extends CtlSubcommand
    {
        @Parameters(index = "0", paramLabel = "VIP:PORT[/tcp|udp]", converter = CtlArguments.ServiceKeyConverter.class,
            description = "the service, e.g. 192.0.2.10:80/tcp (tcp when no protocol is given)")
        private ServiceKey service;

        @Option(names = "--mode", required = true, paramLabel = "MODE", converter = CtlArguments.ModeConverter.class,
            description = "dsr, ipip, gue, nat or fullnat")
        private ForwardingMode mode;

        @Mixin
        private SettingsOptions settings;

        @Override
        public Integer call()
        {
            final ServiceSettings.Builder builder = ServiceSettings.newBuilder().setMode(mode);
            settings.writeTo(builder);
            return run((api, output) -> output.change(api.unary().addService(
                AddServiceRequest.newBuilder().setKey(service).setSettings(builder).build())));
        }
    }

    /**
     * {@code sluice ctl update-service VIP:PORT[/PROTO] [--mode MODE] [settings]}: changes only the
     * settings given, through the request's field mask.
     */
    @Command(name = "update-service", mixinStandardHelpOptions = true,
        description = "Changes a service's settings: only those given; the others stay as they are.")
    static final class UpdateService extends CtlSubcommand
    {
        @Parameters(index = "0", paramLabel = "VIP:PORT[/tcp|udp]", converter = CtlArguments.ServiceKeyConverter.class,
            description = "the service")
        private ServiceKey service;

        @Option(names = "--mode", paramLabel = "MODE", converter = CtlArguments.ModeConverter.class,
            description = "dsr, ipip, gue, nat or fullnat")
        private ForwardingMode mode;

        @Option(names = "--no-flags", description = "clear the service's flags")
        private boolean noFlags;

        @Option(names = "--no-sorry", description = "remove the sorry backend")
        private boolean noSorry;

        @Mixin
        private SettingsOptions settings;

        @Override
        public Integer call()
        {
            final ServiceSettings.Builder builder = ServiceSettings.newBuilder();
            final List<String> paths = settings.writeTo(builder);
            if (mode != null)
            {
                builder.setMode(mode);
                paths.addFirst("mode");
            }
            clear(paths, noFlags, "flags", "--flag", "--no-flags");
            clear(paths, noSorry, "sorry_backend", "--sorry", "--no-sorry");
            if (paths.isEmpty())
            {
                throw new CommandLine.ParameterException(commandLine(), "nothing to change: give at least one of --mode, " +
                    "--scheduler, --flag, --no-flags, --quorum, --sorry, --no-sorry, --maglev-size, --tcp-idle, --udp-idle, " +
                    "--backend-port");
            }
            final UpdateServiceRequest request = UpdateServiceRequest.newBuilder().setKey(service).setSettings(builder)
                .setUpdateMask(FieldMask.newBuilder().addAllPaths(paths)).build();
            return run((api, output) -> output.change(api.unary().updateService(request)));
        }

        private void clear(final List<String> paths, final boolean clear, final String path, final String set, final String unset)
        {
            if (!clear)
            {
                return;
            }
            if (paths.contains(path))
            {
                throw new CommandLine.ParameterException(commandLine(), "give " + set + " or " + unset + ", not both");
            }
            paths.add(path);
        }
    }

    /**
     * {@code sluice ctl remove-service VIP:PORT[/PROTO]}.
     */
    @Command(name = "remove-service", mixinStandardHelpOptions = true,
        description = "Removes a service: its VIP stops answering, its flows are dropped (no-vip).")
    static final class RemoveService extends CtlSubcommand
    {
        @Parameters(index = "0", paramLabel = "VIP:PORT[/tcp|udp]", converter = CtlArguments.ServiceKeyConverter.class,
            description = "the service")
        private ServiceKey service;

        @Override
        public Integer call()
        {
            return run((api, output) -> output.change(api.unary().removeService(
                RemoveServiceRequest.newBuilder().setKey(service).build())));
        }
    }
}
