package io.sluice.lab;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.sluice.lab.LabTopology.LB1;
import static io.sluice.lab.LabTopology.LB2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keepalived, the VRRP peer of the interoperability tests, run by {@link Keepalived} on the second
 * LB host's LAN interface without any peer: both instances (IPv4 and IPv6, VRRPv3, adverts every
 * 0.1 s) go BACKUP then MASTER through the notify script and put their virtual addresses on the
 * interface; stopped, they report STOP, remove the addresses, and no process is left in the
 * namespace. The virtual addresses are in the VIP ranges but unused by any other test.
 */
@Tag("lab")
@ExtendWith(SharedLab.class)
class LabKeepalivedTest
{
    private static final Duration MASTER_TIMEOUT = Duration.ofSeconds(3);
    private static final String VIRTUAL_IPV4 = "192.0.2.250";
    private static final String VIRTUAL_IPV6 = "2001:db8:100::250";

    private static final LabScript LAB = LabScript.locate();

    @Test
    void shouldBecomeMasterAloneAndLeaveNothingWhenStopped()
    {
        final Keepalived.Config config = Keepalived.Config.of("ka-alone", LB2.namespace(), LB2.mgmtInterface(),
            Keepalived.Instance.multicast("V4", 51, VIRTUAL_IPV4 + "/32"),
            Keepalived.Instance.multicast("V6", 52, VIRTUAL_IPV6 + "/128"));
        final Keepalived keepalived = Keepalived.start(LAB.runDirectory(), config);
        try
        {
            assertTrue(keepalived.awaitState("V4", "MASTER", MASTER_TIMEOUT) &&
                keepalived.awaitState("V6", "MASTER", MASTER_TIMEOUT), keepalived.transitions() + "\n" + keepalived.log());
            assertEquals(List.of("BACKUP", "MASTER"), statesOf(keepalived, "V4"), "starts as backup, no advert: master");
            assertEquals(List.of("BACKUP", "MASTER"), statesOf(keepalived, "V6"));
            final String addresses = addressesOnTheInterface();
            assertTrue(addresses.contains(VIRTUAL_IPV4 + "/32") && addresses.contains(VIRTUAL_IPV6 + "/128"), addresses);
            assertEquals(Set.of(keepalived.pid(), keepalived.vrrpPid()), Set.copyOf(pidsIn(LB2.namespace())));
            assertThrows(IllegalStateException.class, () -> Keepalived.start(LAB.runDirectory(), config), "one of a name at a time");
        }
        finally
        {
            keepalived.stop();
        }
        assertFalse(keepalived.isRunning());
        // keepalived forks the notify script and does not wait for it: the STOP lines, and the script's
        // own process, may outlive keepalived by a little.
        assertTrue(keepalived.awaitState("V4", "STOP", MASTER_TIMEOUT), keepalived.transitions().toString());
        assertTrue(keepalived.awaitState("V6", "STOP", MASTER_TIMEOUT), keepalived.transitions().toString());
        final String addresses = addressesOnTheInterface();
        assertFalse(addresses.contains(VIRTUAL_IPV4) || addresses.contains(VIRTUAL_IPV6), addresses);
        final Poll.Outcome<List<Long>> left = Poll.until(MASTER_TIMEOUT, () -> pidsIn(LB2.namespace()), List::isEmpty);
        assertTrue(left.met(), "no process left in " + LB2.namespace() + ": " + left.describe());
        assertFalse(Files.exists(keepalived.directory().resolve("keepalived.pid")), "keepalived removed its pid file");
    }

    @Test
    void shouldBecomeMasterAloneWithUnicastPeersAndNoPreemptionWhenItsPeerIsSilent()
    {
        final Keepalived.Config config = Keepalived.Config.of("ka-unicast", LB1.namespace(), LB1.mgmtInterface(),
                Keepalived.Instance.multicast("V4", 61, VIRTUAL_IPV4 + "/32").unicast(LB1.mgmtIpv4(), LB2.mgmtIpv4()),
                Keepalived.Instance.multicast("V6", 62, VIRTUAL_IPV6 + "/128").unicast(LB1.mgmtIpv6(), LB2.mgmtIpv6()))
            .withNoPreempt().withPriority(200);
        try (Keepalived keepalived = Keepalived.start(LAB.runDirectory(), config))
        {
            assertTrue(keepalived.awaitState("V4", "MASTER", MASTER_TIMEOUT) &&
                keepalived.awaitState("V6", "MASTER", MASTER_TIMEOUT), keepalived.transitions() + "\n" + keepalived.log());
            keepalived.crash();
            assertFalse(keepalived.isRunning());
            assertEquals("MASTER", keepalived.state("V4"), "a crash reports nothing: " + keepalived.transitions());
        }
        finally
        {
            assertEquals(List.of(), pidsIn(LB1.namespace()), "no process left in " + LB1.namespace());
            Commands.inNamespace(LB1.namespace(), "ip", "address", "flush", "dev", LB1.mgmtInterface(), "to", VIRTUAL_IPV4 + "/32");
            Commands.inNamespace(LB1.namespace(), "ip", "address", "flush", "dev", LB1.mgmtInterface(), "to", VIRTUAL_IPV6 + "/128");
        }
    }

    private static List<String> statesOf(final Keepalived keepalived, final String instance)
    {
        return keepalived.transitions().stream().filter(line -> line.startsWith(instance + " "))
            .map(line -> line.split(" ")[1]).toList();
    }

    private static String addressesOnTheInterface()
    {
        return Commands.inNamespace(LB2.namespace(), "ip", "-br", "address", "show", "dev", LB2.mgmtInterface());
    }

    private static List<Long> pidsIn(final String namespace)
    {
        return Commands.run("ip", "netns", "pids", namespace).lines().filter(line -> !line.isBlank())
            .map(line -> Long.parseLong(line.strip())).sorted().toList();
    }
}
