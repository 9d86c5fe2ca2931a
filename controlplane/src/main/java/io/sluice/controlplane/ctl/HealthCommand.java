package io.sluice.controlplane.ctl;


import com.google.protobuf.ByteString;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.sluice.controlplane.api.v1.HealthCheckKind;
import io.sluice.controlplane.api.v1.HealthPolicy;
import io.sluice.controlplane.api.v1.ServiceKey;
import io.sluice.controlplane.api.v1.SetHealthPolicyRequest;

/**
 * {@code sluice ctl health SERVICE --kind KIND [options]}: sets a service's health-check policy,
 * the whole of it (an option not given takes its default), or turns the checks off with
 * {@code --kind none}. Prints {@code generation N: what changed} (with {@code --json}, the
 * {@code ChangeResponse}); the generation moves only when the change alters what the workers run.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
    description = {"Sets a service's health checks (options not given take their defaults), or turns them off with --kind none.",
        "HTTPS checks do not verify the backend's certificate: they ask \"is it serving\", not \"is it who it says\"."})
final class HealthCommand extends CtlSubcommand
{
    @Parameters(index = "0", paramLabel = "VIP:PORT[/tcp|udp]", converter = CtlArguments.ServiceKeyConverter.class,
        description = "the service")
    private ServiceKey service;

    @Option(names = "--kind", required = true, paramLabel = "KIND", converter = CtlArguments.HealthCheckConverter.class,
        description = "none, icmp, tcp, http, https or udp")
    private HealthCheckKind kind;

    @Option(names = "--port", paramLabel = "PORT", converter = CtlArguments.UnsignedConverter.class,
        description = "the port checked (default: the service's)")
    private Integer port;

    @Option(names = "--path", paramLabel = "PATH", description = "http/https: the request path (default /)")
    private String path;

    @Option(names = "--host", paramLabel = "HOST", description = "http/https: the Host header (default: the backend's address)")
    private String host;

    @Option(names = "--expect-status", paramLabel = "STATUS", converter = CtlArguments.UnsignedConverter.class,
        description = "http/https: the status of a healthy backend (default 200)")
    private Integer expectStatus;

    @Option(names = "--send", paramLabel = "TEXT|hex:HEX", converter = CtlArguments.PayloadConverter.class,
        description = "udp: the datagram sent, text or hex: and hex digits (e.g. hex:0001ff)")
    private ByteString send;

    @Option(names = "--expect", paramLabel = "TEXT|hex:HEX", converter = CtlArguments.PayloadConverter.class,
        description = "udp: the prefix a reply must start with (default: any reply)")
    private ByteString expect;

    @Option(names = "--interval", paramLabel = "DURATION", converter = CtlArguments.DurationConverter.class,
        description = "between two checks of a backend (default 2s)")
    private com.google.protobuf.Duration interval;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = CtlArguments.DurationConverter.class,
        description = "how long a check may take, below --interval (default 1s)")
    private com.google.protobuf.Duration timeout;

    @Option(names = "--rise", paramLabel = "N", converter = CtlArguments.UnsignedConverter.class,
        description = "passed checks in a row that bring a backend up (default 2)")
    private Integer rise;

    @Option(names = "--fall", paramLabel = "N", converter = CtlArguments.UnsignedConverter.class,
        description = "failed checks in a row that take a backend down (default 3)")
    private Integer fall;

    @Override
    public Integer call()
    {
        final SetHealthPolicyRequest.Builder request = SetHealthPolicyRequest.newBuilder().setKey(service);
        if (kind == HealthCheckKind.HEALTH_CHECK_KIND_NONE)
        {
            if (port != null || path != null || host != null || expectStatus != null || send != null || expect != null ||
                interval != null || timeout != null || rise != null || fall != null)
            {
                throw new CommandLine.ParameterException(commandLine(), "--kind none turns the checks off: it takes no " +
                    "other health-check option");
            }
        }
        else
        {
            request.setPolicy(policy());
        }
        return run((api, output) -> output.change(api.unary().setHealthPolicy(request.build())));
    }

    private HealthPolicy policy()
    {
        final HealthPolicy.Builder policy = HealthPolicy.newBuilder().setKind(kind);
        if (port != null)
        {
            policy.setPort(port);
        }
        if (path != null)
        {
            policy.setHttpPath(path);
        }
        if (host != null)
        {
            policy.setHttpHost(host);
        }
        if (expectStatus != null)
        {
            policy.setExpectStatus(expectStatus);
        }
        if (send != null)
        {
            policy.setUdpSend(send);
        }
        if (expect != null)
        {
            policy.setUdpExpect(expect);
        }
        if (interval != null)
        {
            policy.setInterval(interval);
        }
        if (timeout != null)
        {
            policy.setTimeout(timeout);
        }
        if (rise != null)
        {
            policy.setRise(rise);
        }
        if (fall != null)
        {
            policy.setFall(fall);
        }
        return policy.build();
    }
}
