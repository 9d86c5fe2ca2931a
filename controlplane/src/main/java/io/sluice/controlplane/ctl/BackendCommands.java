package io.sluice.controlplane.ctl;


import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.sluice.controlplane.api.v1.AddBackendRequest;
import io.sluice.controlplane.api.v1.BackendConfig;
import io.sluice.controlplane.api.v1.DrainBackendRequest;
import io.sluice.controlplane.api.v1.RemoveBackendRequest;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.api.v1.SetBackendWeightRequest;

/**
 * The {@code sluice ctl} subcommands that add, weigh, drain and remove backends. Each prints
 * {@code generation N: what changed} (with {@code --json}, the {@code ChangeResponse}).
 */
final class BackendCommands
{
    private BackendCommands()
    {
    }

    /**
     * {@code sluice ctl add-backend SERVICE ADDR [--weight W]}.
     */
    @Command(name = "add-backend", mixinStandardHelpOptions = true,
        description = "Adds a backend to a service; new flows go to it at once.")
    static final class AddBackend extends CtlSubcommand
    {
        @Parameters(index = "0", paramLabel = "VIP:PORT[/tcp|udp]", converter = CtlArguments.ServiceKeyConverter.class,
            description = "the service")
        private ServiceKey service;

        @Parameters(index = "1", paramLabel = "ADDR", description = "the backend's address, e.g. 203.0.113.11")
        private String address;

        @Option(names = "--weight", paramLabel = "W", converter = CtlArguments.UnsignedConverter.class,
            description = "0..65535 (default 1; 0 adds it drained)")
        private Integer weight;

        @Override
        public Integer call()
        {
            final BackendConfig.Builder backend = BackendConfig.newBuilder().setAddress(address);
            if (weight != null)
            {
                backend.setWeight(weight);
            }
            return run((api, output) -> output.change(api.unary().addBackend(
                AddBackendRequest.newBuilder().setKey(service).setBackend(backend).build())));
        }
    }

    /**
     * {@code sluice ctl remove-backend SERVICE ADDR}.
     */
    @Command(name = "remove-backend", mixinStandardHelpOptions = true,
        description = "Removes a backend; its established flows pick another backend at their next packet.")
    static final class RemoveBackend extends CtlSubcommand
    {
        @Mixin
        private BackendTarget target;

        @Override
        public Integer call()
        {
            return run((api, output) -> output.change(api.unary().removeBackend(
                RemoveBackendRequest.newBuilder().setKey(target.service).setAddress(target.address).build())));
        }
    }

    /**
     * {@code sluice ctl set-weight SERVICE ADDR W}.
     */
    @Command(name = "set-weight", mixinStandardHelpOptions = true, description = "Sets a backend's weight (0 drains it).")
    static final class SetWeight extends CtlSubcommand
    {
        @Mixin
        private BackendTarget target;

        @Parameters(index = "2", paramLabel = "W", converter = CtlArguments.UnsignedConverter.class, description = "0..65535")
        private int weight;

        @Override
        public Integer call()
        {
            return run((api, output) -> output.change(api.unary().setBackendWeight(
                SetBackendWeightRequest.newBuilder().setKey(target.service).setAddress(target.address).setWeight(weight).build())));
        }
    }

    /**
     * {@code sluice ctl drain SERVICE ADDR}.
     */
    @Command(name = "drain", mixinStandardHelpOptions = true,
        description = "Drains a backend: weight 0, no new flows, its established flows stay.")
    static final class Drain extends CtlSubcommand
    {
        @Mixin
        private BackendTarget target;

        @Override
        public Integer call()
        {
            return run((api, output) -> output.change(api.unary().drainBackend(
                DrainBackendRequest.newBuilder().setKey(target.service).setAddress(target.address).build())));
        }
    }
}
