package io.sluice.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives {@code lab/lab.sh} from Java: bring the lab up and down, start and stop backends, read
 * the decap counters, spread a VIP over the load balancers with ECMP or route it via one next hop
 * (a VRRP virtual address), route the backends' NAT replies through an LB, shrink the path MTU to
 * the client. Every call runs the script to completion and throws, quoting the
 * script's output, when it fails. The script's JDK for the backend servers is this JVM's.
 */
public final class LabScript
{
    /** System property naming the {@code lab/} directory (the Maven build sets it for tests). */
    public static final String HOME_PROPERTY = "sluice.lab.home";

    /** How long {@code lab.sh up} may take: building the topology plus starting three JVMs. */
    public static final Duration UP_TIMEOUT = Duration.ofMinutes(3);

    private static final String ROUTE_START = "{\"dst\":\"";
    private static final Pattern GATEWAY = Pattern.compile("\"gateway\":\"([^\"]+)\"");

    private final Path script;

    /**
     * A runner for the script in a lab directory.
     *
     * @param labHome the {@code lab/} directory, holding {@code lab.sh}.
     * @throws IllegalArgumentException when there is no {@code lab.sh} in it.
     */
    public LabScript(final Path labHome)
    {
        this.script = labHome.toAbsolutePath().resolve("lab.sh");
        if (!Files.isRegularFile(script))
        {
            throw new IllegalArgumentException("no lab script at " + script);
        }
    }

    /**
     * Finds {@code lab.sh}: the directory named by {@value #HOME_PROPERTY}, else {@code lab/} or
     * {@code .} under the working directory.
     *
     * @return the runner.
     * @throws IllegalStateException when the script cannot be found.
     */
    public static LabScript locate()
    {
        final String home = System.getProperty(HOME_PROPERTY);
        if (home != null)
        {
            return new LabScript(Path.of(home));
        }
        for (final Path candidate : List.of(Path.of("lab"), Path.of(".")))
        {
            if (Files.isRegularFile(candidate.resolve("lab.sh")))
            {
                return new LabScript(candidate);
            }
        }
        throw new IllegalStateException("cannot find lab.sh: set -D" + HOME_PROPERTY + "=PATH/TO/lab or run from the repository");
    }

    /** @return the script's path. */
    public Path script()
    {
        return script;
    }

    /** @return the directory the script keeps pid files, logs and compiled programs in (removed by down). */
    public Path runDirectory()
    {
        return script.getParent().resolve("run");
    }

    /**
     * {@code lab.sh up}: removes any earlier lab, builds the topology, attaches decap, starts the
     * backends and waits until they answer.
     *
     * @return the script's output.
     */
    public String up()
    {
        return run(UP_TIMEOUT, "up");
    }

    /**
     * {@code lab.sh down}: removes everything the lab made; does nothing when there is nothing.
     *
     * @return the script's output.
     */
    public String down()
    {
        return run(Commands.DEFAULT_TIMEOUT, "down");
    }

    /**
     * {@code lab.sh backends start NAME...}: (re)starts backends and waits until each answers.
     *
     * @param backends the backends to start.
     * @return the script's output.
     */
    public String startBackends(final LabBackend... backends)
    {
        return run(UP_TIMEOUT, withBackends("backends", "start", backends));
    }

    /**
     * {@code lab.sh backends stop NAME...}: stops backends (their namespaces and decap stay).
     *
     * @param backends the backends to stop.
     * @return the script's output.
     */
    public String stopBackends(final LabBackend... backends)
    {
        return run(Commands.DEFAULT_TIMEOUT, withBackends("backends", "stop", backends));
    }

    /**
     * {@code lab.sh counters NAME}: the backend's decap counters.
     *
     * @param backend the backend.
     * @return its counters since the lab came up.
     */
    public DecapCounters counters(final LabBackend backend)
    {
        return DecapCounters.parse(run(Commands.DEFAULT_TIMEOUT, "counters", backend.name()));
    }

    /**
     * {@code lab.sh ecmp VIP lb1,lb2}: the router sends the VIP to these load balancers, over a
     * multipath route hashed on addresses, ports and protocol when there are several (each flow
     * stays on one LB, flows spread); with one, to that LB alone (an LB taken out of the set).
     * The VIP ranges' route to {@link LabTopology#LB1} stays underneath.
     *
     * @param vip           an address (or a prefix) in {@link LabTopology#VIP_RANGE_IPV4} or {@link LabTopology#VIP_RANGE_IPV6}.
     * @param loadBalancers one or more load balancers, each at most once.
     * @return the script's output.
     * @throws IllegalArgumentException when no load balancer is given.
     */
    public String ecmp(final String vip, final LabLbHost... loadBalancers)
    {
        if (loadBalancers.length == 0)
        {
            throw new IllegalArgumentException("ecmp " + vip + ": name at least one load balancer (or call ecmpOff)");
        }
        final StringBuilder names = new StringBuilder();
        for (final LabLbHost lb : loadBalancers)
        {
            names.append(names.isEmpty() ? "" : ",").append(lb.name());
        }
        return run(Commands.DEFAULT_TIMEOUT, "ecmp", vip, names.toString());
    }

    /**
     * {@code lab.sh ecmp VIP off}: removes the VIP's own route, so that it follows the VIP range's
     * route to {@link LabTopology#LB1} again; does nothing when it has none.
     *
     * @param vip the address (or prefix) given to {@link #ecmp}.
     * @return the script's output.
     */
    public String ecmpOff(final String vip)
    {
        return run(Commands.DEFAULT_TIMEOUT, "ecmp", vip, "off");
    }

    /**
     * {@code lab.sh via VIP ADDRESS}: the router sends a VIP, a prefix of the VIP ranges or a whole
     * range via one next hop on the LAN, such as a VRRP virtual address: whichever load balancer
     * answers ARP / ND for that address gets the traffic.
     *
     * @param vip     an address or prefix in {@link LabTopology#VIP_RANGE_IPV4} or {@link LabTopology#VIP_RANGE_IPV6}, or the range.
     * @param nextHop an address on the LAN, of the VIP's family, e.g. {@code 203.0.113.100}.
     * @return the script's output.
     */
    public String via(final String vip, final String nextHop)
    {
        return run(Commands.DEFAULT_TIMEOUT, "via", vip, nextHop);
    }

    /**
     * {@code lab.sh via VIP off}: undoes {@link #via}: a VIP or prefix loses its own route (it
     * follows its range again), a whole range goes to {@link LabTopology#LB1} again; does nothing
     * when there is nothing to undo.
     *
     * @param vip the address, prefix or range given to {@link #via}.
     * @return the script's output.
     */
    public String viaOff(final String vip)
    {
        return run(Commands.DEFAULT_TIMEOUT, "via", vip, "off");
    }

    /**
     * {@code lab.sh nat-route on [--via NEXT]... BACKEND...}: the backends send what leaves from
     * their LAN addresses (the replies of {@code nat} services) via a next hop on the LAN, by a
     * policy rule to a table of their own that also routes the LAN on-link; replies from a VIP (DSR,
     * tunnels) still go to the router. Asking again only changes the next hops.
     *
     * @param nextHops {@code lb1}, {@code lb2} (both families) or LAN addresses, one per family at
     *                 most (a family none names keeps its ordinary routing); none for lb1.
     * @param backends the backends; none for all.
     * @return the script's output, a line {@code nat-route: beN ipv4=NEXT ipv6=NEXT} per backend.
     */
    public String natRoute(final List<String> nextHops, final LabBackend... backends)
    {
        final List<String> arguments = new ArrayList<>(List.of("nat-route", "on"));
        for (final String next : nextHops)
        {
            arguments.add("--via");
            arguments.add(next);
        }
        for (final LabBackend backend : backends)
        {
            arguments.add(backend.name());
        }
        return run(Commands.DEFAULT_TIMEOUT, arguments.toArray(new String[0]));
    }

    /**
     * {@code lab.sh nat-route off BACKEND...}: undoes {@link #natRoute}; nothing to undo is no error.
     *
     * @param backends the backends; none for all.
     * @return the script's output.
     */
    public String natRouteOff(final LabBackend... backends)
    {
        return run(Commands.DEFAULT_TIMEOUT, withBackends("nat-route", "off", backends));
    }

    /**
     * {@code lab.sh pmtu on MTU}: the router's routes to the client's prefixes get a locked MTU, so
     * a larger packet from the LAN with DF (IPv6: any) gets frag-needed / packet too big from the
     * router; every lab host forgets the path MTUs it learnt.
     *
     * @param mtu 1280 ({@link LabTopology#PMTU_DEFAULT}) to 1499.
     * @return the script's output.
     */
    public String pmtu(final int mtu)
    {
        return run(Commands.DEFAULT_TIMEOUT, "pmtu", "on", Integer.toString(mtu));
    }

    /**
     * {@code lab.sh pmtu off}: the router forwards full-sized packets to the client again, and every
     * lab host forgets the path MTUs it learnt; nothing to undo is no error.
     *
     * @return the script's output.
     */
    public String pmtuOff()
    {
        return run(Commands.DEFAULT_TIMEOUT, "pmtu", "off");
    }

    /**
     * The next hops of the router's most specific route for an address now ({@code ip route show
     * match}, longest prefix): for a multipath route every next hop, in the route's order.
     *
     * @param address an IPv4 or IPv6 address, e.g. a VIP.
     * @return the gateways, e.g. {@code [203.0.113.2, 203.0.113.4]}; empty for an address on a
     *         link of the router.
     */
    public static List<String> routerNextHops(final String address)
    {
        final String family = address.contains(":") ? "-6" : "-4";
        final String route = Commands.inNamespace(LabTopology.ROUTER_NAMESPACE, "ip", family, "-j", "route", "show", "match", address);
        final String best = mostSpecificRoute(route);
        final List<String> gateways = new ArrayList<>();
        final Matcher gateway = GATEWAY.matcher(best);
        while (gateway.find())
        {
            gateways.add(gateway.group(1));
        }
        return gateways;
    }

    /**
     * Starts the script without waiting, in a session (and process group) of its own, so that it
     * and whatever it runs at the moment can be killed together: {@code kill -KILL -- -PID}.
     *
     * @param arguments the script's arguments, e.g. {@code up}.
     * @return the running script, output and error output merged.
     * @throws IllegalStateException when it cannot be started.
     */
    public Process startInOwnSession(final String... arguments)
    {
        final List<String> command = new ArrayList<>(List.of("setsid", "bash", script.toString()));
        command.addAll(List.of(arguments));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment());
        try
        {
            return builder.start();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot start " + String.join(" ", command) + ": " + ex.getMessage(), ex);
        }
    }

    /** The route of {@code ip -j route show match} with the longest prefix: the one the router uses. */
    private static String mostSpecificRoute(final String routes)
    {
        String best = "";
        int bestLength = -1;
        final String[] pieces = routes.split(Pattern.quote(ROUTE_START));
        for (int i = 1; i < pieces.length; i++)
        {
            final String destination = pieces[i].substring(0, pieces[i].indexOf('"'));
            final int slash = destination.indexOf('/');
            final int length = "default".equals(destination) ? 0 :
                slash >= 0 ? Integer.parseInt(destination.substring(slash + 1)) : Integer.MAX_VALUE;
            if (length > bestLength)
            {
                best = pieces[i];
                bestLength = length;
            }
        }
        return best;
    }

    private static String[] withBackends(final String command, final String action, final LabBackend... backends)
    {
        final String[] arguments = new String[backends.length + 2];
        arguments[0] = command;
        arguments[1] = action;
        for (int i = 0; i < backends.length; i++)
        {
            arguments[i + 2] = backends[i].name();
        }
        return arguments;
    }

    private String run(final Duration timeout, final String... arguments)
    {
        final List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(arguments));
        return Commands.run(timeout, environment(), command);
    }

    private static Map<String, String> environment()
    {
        return Map.of("JAVA_HOME", System.getProperty("java.home"));
    }
}
