package io.sluice.controlplane.ctl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.MessageOrBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.sluice.controlplane.api.v1.GetHaStateRequest;
import io.sluice.controlplane.api.v1.GetNeighboursRequest;
import io.sluice.controlplane.api.v1.GetNeighboursResponse;
import io.sluice.controlplane.api.v1.GetServiceRequest;
import io.sluice.controlplane.api.v1.GetStatsRequest;
import io.sluice.controlplane.api.v1.GetStatsResponse;
import io.sluice.controlplane.api.v1.HaState;
import io.sluice.controlplane.api.v1.ListServicesRequest;
import io.sluice.controlplane.api.v1.ListServicesResponse;
import io.sluice.controlplane.api.v1.LookupFlowRequest;
import io.sluice.controlplane.api.v1.LookupFlowResponse;
import io.sluice.controlplane.api.v1.Service;
import io.sluice.controlplane.api.v1.ServiceKey;

/**
 * The {@code sluice ctl} subcommands that only read: {@code list}, {@code stats}, {@code lookup},
 * {@code neighbours} and {@code ha}.
 */
final class ReadCommands
{
    private ReadCommands()
    {
    }

    /**
     * {@code sluice ctl list [-s SERVICE]}: services with their backends, weights, health and
     * counters. With {@code --json}: {@code {"services": ListServicesResponse, "stats": GetStatsResponse}},
     * or with {@code -s}, {@code {"service": Service, "stats": GetStatsResponse}}.
     */
    @Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists the services and their backends: weight, health, packets, bytes, new flows, share.")
    static final class ListCommand extends CtlSubcommand
    {
        @Option(names = {"-s", "--service"}, paramLabel = "VIP:PORT[/PROTO]", converter = CtlArguments.ServiceKeyConverter.class,
            description = "only this service")
        private ServiceKey service;

        @Override
        public Integer call()
        {
            return run((api, output) ->
            {
                final Map<String, MessageOrBuilder> replies = new LinkedHashMap<>();
                final List<Service> services;
                final GetStatsRequest.Builder statsRequest = GetStatsRequest.newBuilder();
                if (service == null)
                {
                    final ListServicesResponse list = api.unary().listServices(ListServicesRequest.getDefaultInstance());
                    replies.put("services", list);
                    services = list.getServicesList();
                }
                else
                {
                    final Service one = api.unary().getService(GetServiceRequest.newBuilder().setKey(service).build());
                    replies.put("service", one);
                    services = List.of(one);
                    statsRequest.setService(service);
                }
                final GetStatsResponse stats = api.unary().getStats(statsRequest.build());
                replies.put("stats", stats);
                if (output.json())
                {
                    output.json(replies);
                }
                else
                {
                    output.text(ServiceTables.services(services, stats));
                }
                return 0;
            });
        }
    }

    /**
     * {@code sluice ctl stats [-s SERVICE]}: counters per service, backend and worker, drops by
     * reason, port counters. With {@code --json}: the {@code GetStatsResponse}.
     */
    @Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Shows counters per service, backend and worker, drops by reason and port counters.")
    static final class StatsCommand extends CtlSubcommand
    {
        @Option(names = {"-s", "--service"}, paramLabel = "VIP:PORT[/PROTO]", converter = CtlArguments.ServiceKeyConverter.class,
            description = "only this service (workers, drops and port are always shown)")
        private ServiceKey service;

        @Override
        public Integer call()
        {
            return run((api, output) ->
            {
                final GetStatsRequest.Builder request = GetStatsRequest.newBuilder();
                if (service != null)
                {
                    request.setService(service);
                }
                final GetStatsResponse stats = api.unary().getStats(request.build());
                if (output.json())
                {
                    output.json(stats);
                }
                else
                {
                    output.text(ServiceTables.stats(stats));
                }
                return 0;
            });
        }
    }

    /**
     * {@code sluice ctl lookup CLIENT:PORT VIP:PORT/PROTO}: the backend a flow goes to, and whether
     * a worker's flow table holds it. With {@code --json}: the {@code LookupFlowResponse}.
     */
    @Command(name = "lookup", mixinStandardHelpOptions = true,
        description = "Shows where a flow goes: its service, the backend a new flow is scheduled to, and whether a " +
            "worker's flow table holds it (pinned to which backend).")
    static final class LookupCommand extends CtlSubcommand
    {
        @Parameters(index = "0", paramLabel = "CLIENT_ADDR:PORT", converter = CtlArguments.EndpointConverter.class,
            description = "the client's address and port, e.g. 198.51.100.7:40000")
        private CtlArguments.Endpoint client;

        @Parameters(index = "1", paramLabel = "VIP:PORT[/PROTO]", converter = CtlArguments.ServiceKeyConverter.class,
            description = "the service, e.g. 192.0.2.10:80/tcp")
        private ServiceKey service;

        @Override
        public Integer call()
        {
            return run((api, output) ->
            {
                final LookupFlowResponse lookup = api.unary().lookupFlow(LookupFlowRequest.newBuilder()
                    .setClientAddress(client.host()).setClientPort(client.port()).setVip(service.getVip())
                    .setVipPort(service.getPort()).setProtocol(service.getProtocol()).build());
                if (output.json())
                {
                    output.json(lookup);
                }
                else
                {
                    output.text(CtlViews.lookup(client.toString(), CtlNames.service(service), lookup));
                }
                return 0;
            });
        }
    }

    /**
     * {@code sluice ctl neighbours [--unresolved]}: the next hops the dataplane resolves with ARP /
     * ND, their state and how long the unresolved ones have been so. With {@code --json}: the
     * {@code GetNeighboursResponse}.
     */
    @Command(name = "neighbours", aliases = "neighbors", mixinStandardHelpOptions = true,
        description = "Lists the next hops (backends on-link, gateways, static neighbours) with their ARP / ND state: " +
            "counts by state and requests, then per address its state, MAC and how long it has been unresolved.")
    static final class NeighboursCommand extends CtlSubcommand
    {
        @Option(names = {"-u", "--unresolved"}, description = "only the entries without a confirmed MAC (incomplete or stale)")
        private boolean unresolved;

        @Override
        public Integer call()
        {
            return run((api, output) ->
            {
                final GetNeighboursResponse reply = api.unary().getNeighbours(
                    GetNeighboursRequest.newBuilder().setUnresolvedOnly(unresolved).build());
                if (output.json())
                {
                    output.json(reply);
                }
                else
                {
                    output.text(NeighbourViews.neighbours(reply));
                }
                return 0;
            });
        }
    }

    /**
     * {@code sluice ctl ha}: the high-availability role, the VRRP virtual routers and counters, the flow
     * sync's figures and replication lag. With {@code --json}: the {@code HaState}.
     */
    @Command(name = "ha", mixinStandardHelpOptions = true, description = "Shows the high-availability state: role, virtual routers, sync and lag.")
    static final class HaCommand extends CtlSubcommand
    {
        @Override
        public Integer call()
        {
            return run((api, output) ->
            {
                final HaState state = api.unary().getHaState(GetHaStateRequest.getDefaultInstance());
                if (output.json())
                {
                    output.json(state);
                }
                else
                {
                    output.text(HaViews.ha(state));
                }
                return 0;
            });
        }
    }
}
