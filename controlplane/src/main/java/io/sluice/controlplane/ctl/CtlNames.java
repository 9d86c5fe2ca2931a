package io.sluice.controlplane.ctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.sluice.controlplane.api.v1.EventKind;
import io.sluice.controlplane.api.v1.ForwardingMode;
import io.sluice.controlplane.api.v1.HaStateKind;
import io.sluice.controlplane.api.v1.HealthCheckKind;
import io.sluice.controlplane.api.v1.HealthState;
import io.sluice.controlplane.api.v1.Protocol;
import io.sluice.controlplane.api.v1.Scheduler;
import io.sluice.controlplane.api.v1.ServiceFlag;
import io.sluice.controlplane.api.v1.ServiceKey;

/**
 * The names {@code sluice ctl} reads and writes for the {@code sluice.v1} enums: those of the
 * configuration file ({@code dsr}, {@code weighted-maglev}, {@code reset-on-down}, {@code http}),
 * which are the proto names without their prefix, in lower case, with {@code -} for {@code _}.
 * One rule, so a new proto value gets its CLI name without a table to update.
 */
final class CtlNames
{
    /** Prefix of the forwarding modes. */
    static final String MODE = "FORWARDING_MODE_";
    /** Prefix of the schedulers. */
    static final String SCHEDULER = "SCHEDULER_";
    /** Prefix of the client-address carriers. */
    static final String CLIENT_ADDRESS = "CLIENT_ADDRESS_";
    /** Prefix of the service flags. */
    static final String FLAG = "SERVICE_FLAG_";
    /** Prefix of the health-check kinds. */
    static final String HEALTH_CHECK = "HEALTH_CHECK_KIND_";
    /** Prefix of the health states. */
    static final String HEALTH_STATE = "HEALTH_STATE_";
    /** Prefix of the event kinds. */
    static final String EVENT = "EVENT_KIND_";
    /** Prefix of the HA states. */
    static final String HA = "HA_STATE_KIND_";

    private CtlNames()
    {
    }

    /**
     * The CLI name of an enum value.
     *
     * @param value  the value, e.g. {@code SCHEDULER_LEAST_CONN}.
     * @param prefix its type's prefix, e.g. {@link #SCHEDULER}.
     * @return e.g. {@code least-conn}.
     */
    static String name(final Enum<?> value, final String prefix)
    {
        final String name = value.name();
        final String bare = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
        return bare.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The enum value with a CLI name.
     *
     * @param type   the enum.
     * @param prefix its prefix.
     * @param text   the name, e.g. {@code least-conn}.
     * @param <E>    the enum type.
     * @return the value.
     * @throws IllegalArgumentException naming the text and the valid names when none has it.
     */
    static <E extends Enum<E>> E parse(final Class<E> type, final String prefix, final String text)
    {
        for (final E value : choices(type, prefix))
        {
            if (name(value, prefix).equals(text))
            {
                return value;
            }
        }
        throw new IllegalArgumentException(CtlArguments.quoted(text) + " is not one of " + String.join(", ", names(type, prefix)));
    }

    /**
     * The CLI names of an enum's values, without the unspecified one and the unrecognized one.
     *
     * @param type   the enum.
     * @param prefix its prefix.
     * @param <E>    the enum type.
     * @return the names in declaration order.
     */
    static <E extends Enum<E>> List<String> names(final Class<E> type, final String prefix)
    {
        final List<String> names = new ArrayList<>();
        for (final E value : choices(type, prefix))
        {
            names.add(name(value, prefix));
        }
        return names;
    }

    private static <E extends Enum<E>> List<E> choices(final Class<E> type, final String prefix)
    {
        final List<E> values = new ArrayList<>();
        for (final E value : type.getEnumConstants())
        {
            if (!value.name().equals("UNRECOGNIZED") && !value.name().equals(prefix + "UNSPECIFIED"))
            {
                values.add(value);
            }
        }
        return values;
    }

    /**
     * A service's name as the daemon writes it in messages and events.
     *
     * @param key the service.
     * @return e.g. {@code 192.0.2.10:80/tcp} or {@code [2001:db8::10]:443/tcp}.
     */
    static String service(final ServiceKey key)
    {
        return endpoint(key.getVip(), key.getPort()) + "/" + (key.getProtocol() == Protocol.PROTOCOL_UDP ? "udp" : "tcp");
    }

    /**
     * An address and port.
     *
     * @param address an IPv4 or IPv6 literal.
     * @param port    the port.
     * @return {@code 192.0.2.10:80}, or {@code [2001:db8::10]:80} for IPv6.
     */
    static String endpoint(final String address, final int port)
    {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    static String mode(final ForwardingMode mode)
    {
        return name(mode, MODE);
    }

    static String scheduler(final Scheduler scheduler)
    {
        return name(scheduler == Scheduler.SCHEDULER_UNSPECIFIED ? Scheduler.SCHEDULER_MAGLEV : scheduler, SCHEDULER);
    }

    static String flag(final ServiceFlag flag)
    {
        return name(flag, FLAG);
    }

    static String health(final HealthState state)
    {
        return name(state, HEALTH_STATE);
    }

    static String healthCheck(final HealthCheckKind kind)
    {
        return name(kind, HEALTH_CHECK);
    }

    static String event(final EventKind kind)
    {
        return name(kind, EVENT);
    }

    static String ha(final HaStateKind state)
    {
        return name(state, HA);
    }
}
