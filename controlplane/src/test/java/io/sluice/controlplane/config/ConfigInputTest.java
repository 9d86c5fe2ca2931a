package io.sluice.controlplane.config;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inputs a lenient parser would have accepted by mistake: short IPv4 forms, bare numbers, EAL lcore flags. */
class ConfigInputTest
{
    private static final Path FILE = Path.of("/etc/sluice/lab.yaml");

    private static List<ConfigProblem> problems(final String yaml)
    {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(FILE, yaml)).problems();
    }

    @Test
    void shouldRejectShortIpv4FormsAndBareNumbersThatInetAddressWouldAccept()
    {
        for (final String address : List.of("10.0.1", "80", "192.0.2", "::ffff:192.0.2.1", "192.0.2.256"))
        {
            final List<ConfigProblem> found = problems("""
                dataplane: { device: net_null0, workers: 1 }
                services:
                  - { vip: %s, port: 80, mode: dsr, backends: [] }
                """.formatted("'" + address + "'"));
            assertEquals(1, found.size(), address + ": " + found);
            assertTrue(found.get(0).toString().contains("services[0].vip: '" + address + "' is not valid"), found.get(0).toString());
        }
    }

    @Test
    void shouldRejectEalArgumentsThatSetTheLcoresOrWhatTheDaemonSetsItself()
    {
        for (final String argument : List.of("-l0", "-c3", "--lcores=0-1", "--main-lcore=1", "--in-memory"))
        {
            final List<ConfigProblem> found = problems("""
                dataplane: { device: net_null0, workers: 1, eal: ['%s'] }
                """.formatted(argument));
            assertEquals(1, found.size(), argument + ": " + found);
            assertTrue(found.get(0).toString().contains("dataplane.eal[0]: '" + argument + "' is not valid"), found.get(0).toString());
        }
    }
}
