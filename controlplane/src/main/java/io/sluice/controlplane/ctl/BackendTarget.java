package io.sluice.controlplane.ctl;

import picocli.CommandLine.Parameters;

import io.sluice.controlplane.api.v1.ServiceKey;

/**
 * The two positional parameters of the commands that act on one backend of a service:
 * {@code VIP:PORT[/tcp|udp] ADDR}.
 */
final class BackendTarget
{
    @Parameters(index = "0", paramLabel = "VIP:PORT[/tcp|udp]", converter = CtlArguments.ServiceKeyConverter.class,
        description = "the service")
    ServiceKey service;

    @Parameters(index = "1", paramLabel = "ADDR", description = "the backend's address, e.g. 203.0.113.11")
    String address;
}
