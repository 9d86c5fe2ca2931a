package io.sluice.controlplane.config;

import java.util.List;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.snapshot.ServiceSnapshotBuilder;

/**
 * The last step of loading: runs the dataplane's own validation on a configuration whose every
 * value already passed the loader's checks, so that what only the dataplane knows (address
 * families per forwarding mode, tunnel source pools, the IPv6 minimum MTU inside tunnels, VIPs
 * that are local addresses) is found before EAL starts. Each service is checked alone (the snapshot
 * builder's checks, nothing built), so every faulty service is reported, then all of them together. A problem is
 * placed at the backend or VIP the dataplane's message names, else at the service; a problem of
 * services together (two sharing what one must have alone) at the service the message names first.
 */
final class DataplaneValidation
{
    private final YamlReader reader;
    private final YamlReader.Section top;

    DataplaneValidation(final YamlReader reader, final YamlReader.Section top)
    {
        this.reader = reader;
        this.top = top;
    }

    void validate(final SluiceConfig config)
    {
        try
        {
            config.dataplane().toDataplaneConfig();
        }
        catch (final IllegalArgumentException ex)
        {
            reader.report(top.value("dataplane").getStartMark(), "dataplane", "not accepted by the dataplane: " + ex.getMessage());
        }
        final DataplaneSettings settings;
        try
        {
            settings = config.settings();
        }
        catch (final IllegalArgumentException ex)
        {
            final Node network = top.has("network") ? top.value("network") : top.node();
            reader.report(network.getStartMark(), "network", "not accepted by the dataplane: " + ex.getMessage());
            return;
        }
        final List<ServiceSpec> specs = config.serviceSpecs();
        final int neighbourCapacity = config.dataplane().neighbourCapacity();
        boolean eachValid = true;
        for (int i = 0; i < specs.size(); i++)
        {
            try
            {
                ServiceSnapshotBuilder.check(settings, List.of(specs.get(i)), neighbourCapacity);
            }
            catch (final IllegalArgumentException ex)
            {
                eachValid = false;
                reportService(i, specs.get(i), ex.getMessage());
            }
        }
        if (eachValid)
        {
            try
            {
                ServiceSnapshotBuilder.check(settings, specs, neighbourCapacity);
            }
            catch (final IllegalArgumentException ex)
            {
                final int named = serviceNamed(specs, ex.getMessage());
                if (named >= 0)
                {
                    reportService(named, specs.get(named), ex.getMessage());
                    return;
                }
                final Node services = top.has("services") ? top.value("services") : top.node();
                reader.report(services.getStartMark(), "services", "not accepted by the dataplane: " + ex.getMessage());
            }
        }
    }

    /** @return the index of the service a message of the dataplane starts by naming, or -1. */
    private static int serviceNamed(final List<ServiceSpec> specs, final String message)
    {
        for (int i = 0; i < specs.size(); i++)
        {
            if (message.startsWith("service " + specs.get(i).name() + ": "))
            {
                return i;
            }
        }
        return -1;
    }

    private void reportService(final int index, final ServiceSpec spec, final String message)
    {
        final String prefix = "service " + spec.name() + ": ";
        final String reason = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        final Node service = ((SequenceNode)top.value("services")).getValue().get(index);
        final String path = "services[" + index + "]";
        final Node backends = child(service, "backends");
        if (backends instanceof SequenceNode list)
        {
            for (int b = 0; b < list.getValue().size(); b++)
            {
                final Node address = child(list.getValue().get(b), "address");
                if (address instanceof ScalarNode scalar && names(reason, spec.backends().get(b).address().toString()))
                {
                    reader.invalid(address, path + ".backends[" + b + "].address", scalar.getValue(), reason);
                    return;
                }
            }
        }
        final Node sorry = child(service, "sorry");
        final ServiceSpec.BackendSpec last = spec.backends().isEmpty() ? null : spec.backends().getLast();
        if (sorry instanceof ScalarNode scalar && last != null && last.weight() == 0 && names(reason, last.address().toString()))
        {
            reader.invalid(sorry, path + ".sorry", scalar.getValue(), reason);
            return;
        }
        final Node vip = child(service, "vip");
        if (vip instanceof ScalarNode scalar && names(reason, spec.vip().toString()))
        {
            reader.invalid(vip, path + ".vip", scalar.getValue(), reason);
            return;
        }
        reader.invalid(service, path, spec.name(), reason);
    }

    private static boolean names(final String message, final String address)
    {
        return Pattern.compile("(?<![0-9A-Fa-f:.])" + Pattern.quote(address) + "(?![0-9A-Fa-f]|[.:][0-9A-Fa-f])")
            .matcher(message).find();
    }

    private static Node child(final Node mapping, final String key)
    {
        if (mapping instanceof MappingNode map)
        {
            for (final NodeTuple tuple : map.getValue())
            {
                if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key))
                {
                    return tuple.getValueNode();
                }
            }
        }
        return null;
    }
}
