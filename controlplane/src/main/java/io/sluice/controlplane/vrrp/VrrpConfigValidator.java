package io.sluice.controlplane.vrrp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.sluice.dataplane.service.AddressRules;
import io.sluice.dataplane.service.IpAddress;

/**
 * Finds every problem of a set of virtual routers at once, each message naming the router, the
 * value and what would be valid, in the words of the configuration loader's messages. Independent
 * of the YAML loader, which places these messages at their keys when it reads a {@code vrrp:}
 * section.
 */
public final class VrrpConfigValidator
{
    /** The largest IP packet an advert may fill (an Ethernet MTU). */
    public static final int MAX_IP_PACKET_LENGTH = 1500;

    private static final int IPV4_HEADER_LENGTH = 20;
    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int MAX_COUNT = 255;

    private VrrpConfigValidator()
    {
    }

    /**
     * The problems of several virtual routers run by one instance.
     *
     * @param routers        the virtual routers.
     * @param localAddresses the LB's own addresses: an owner (priority 255) must have each virtual address among
     *                       them or as its primary address, and a non-owner must have none of them.
     * @return one message per problem, empty when all is well.
     */
    public static List<String> problems(final List<VrrpConfig> routers, final Collection<IpAddress> localAddresses)
    {
        final List<String> problems = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        final Set<Integer> keys = new HashSet<>();
        for (final VrrpConfig router : routers)
        {
            problems.addAll(problems(router, localAddresses));
            if (!names.add(router.name()))
            {
                problems.add(router.describe() + ": the name " + router.name() + " is used by another virtual router");
            }
            if (!keys.add(router.vrid() * 2 + router.family().ordinal()))
            {
                problems.add(router.describe() + ": VRID " + router.vrid() + " is used twice for " +
                    familyName(router.family()) + ": one virtual router per VRID and family");
            }
        }
        return problems;
    }

    /**
     * The problems of one virtual router.
     *
     * @param router         the router.
     * @param localAddresses the LB's own addresses (see {@link #problems(List, Collection)}), or null to leave
     *                       address ownership unchecked.
     * @return one message per problem, empty when all is well.
     */
    public static List<String> problems(final VrrpConfig router, final Collection<IpAddress> localAddresses)
    {
        final List<String> problems = new ArrayList<>();
        final String who = router.describe() + ": ";
        if (router.name().isBlank())
        {
            problems.add(who + "the name is empty: give each virtual router a name");
        }
        range(problems, who, "vrid", router.vrid(), 1, 255, "");
        range(problems, who, "priority", router.priority(), 1, VrrpConfig.OWNER_PRIORITY, " (255 = the address owner)");
        range(problems, who, "advertInterval", router.advertIntervalCs(), 1, VrrpConfig.MAX_ADVERT_INTERVAL_CS,
            " centiseconds");
        if (router.preemptDelayNs() < 0 || router.preemptDelayNs() > VrrpConfig.MAX_PREEMPT_DELAY_NS)
        {
            problems.add(who + "preemptDelay " + router.preemptDelayNs() + " ns is not valid: 0..1000 s");
        }
        if (router.preemptDelayNs() > 0 && !router.preempt())
        {
            problems.add(who + "preemptDelay is set but preempt is off: a delay applies only to preemption");
        }
        primary(problems, who, router);
        virtualAddresses(problems, who, router, localAddresses);
        peers(problems, who, router);
        return problems;
    }

    /**
     * Throws when a virtual router has any problem of its own (address ownership, which needs the LB's
     * addresses, is left to {@link #problems(List, Collection)}).
     *
     * @param router the router.
     * @throws IllegalArgumentException listing every problem, one per line.
     */
    public static void requireValid(final VrrpConfig router)
    {
        final List<String> problems = problems(router, null);
        if (!problems.isEmpty())
        {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    private static void range(
        final List<String> problems, final String who, final String key, final int value, final int min, final int max,
        final String unit)
    {
        if (value < min || value > max)
        {
            problems.add(who + key + " " + value + " is not valid: an integer " + min + ".." + max + unit);
        }
    }

    private static void primary(final List<String> problems, final String who, final VrrpConfig router)
    {
        final IpAddress primary = router.primaryAddress();
        if (primary.ipv6() != router.family().ipv6())
        {
            problems.add(who + "primaryAddress " + primary + " is not an " + familyName(router.family()) + " address");
        }
        else if (primary.ipv6() && !linkLocal(primary))
        {
            problems.add(who + "primaryAddress " + primary + " is not link-local: IPv6 adverts come from the " +
                "interface's fe80::/10 address (RFC 5798 §5.1.2.1)");
        }
        else
        {
            final String refusal = AddressRules.refusal(AddressRules.Role.LOCAL, primary);
            if (refusal != null)
            {
                problems.add(who + "primaryAddress: " + refusal.replace("LB address", "VRRP source address"));
            }
        }
    }

    private static void virtualAddresses(
        final List<String> problems, final String who, final VrrpConfig router, final Collection<IpAddress> localAddresses)
    {
        final List<IpAddress> addresses = router.virtualAddresses();
        final int headerLength = router.family().ipv6() ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH;
        final int maxCount = Math.min(MAX_COUNT,
            (MAX_IP_PACKET_LENGTH - headerLength - VrrpFrames.VRRP_HEADER_LENGTH) / router.family().addressLength());
        if (addresses.isEmpty() || addresses.size() > maxCount)
        {
            problems.add(who + "virtualAddresses has " + addresses.size() + " addresses: 1.." + maxCount + " for " +
                familyName(router.family()));
        }
        final Set<IpAddress> seen = new HashSet<>();
        for (final IpAddress address : addresses)
        {
            if (address.ipv6() != router.family().ipv6())
            {
                problems.add(who + "virtual address " + address + " is not an " + familyName(router.family()) +
                    " address: one family per virtual router");
                continue;
            }
            if (!seen.add(address))
            {
                problems.add(who + "virtual address " + address + " is listed twice");
            }
            final String refusal = AddressRules.refusal(AddressRules.Role.LOCAL, address);
            if (refusal != null)
            {
                problems.add(who + "virtual address: " + refusal.replace("LB address", "virtual address"));
            }
            if (localAddresses == null)
            {
                continue;
            }
            final boolean local = localAddresses.contains(address) || address.equals(router.primaryAddress());
            if (router.owner() && !local)
            {
                problems.add(who + "priority 255 says this LB owns its virtual addresses, but " + address +
                    " is not one of its own addresses: give a backup priority 1..254");
            }
            else if (!router.owner() && local)
            {
                problems.add(who + "virtual address " + address + " is one of this LB's own addresses: " +
                    "only its owner, with priority 255, may protect it");
            }
        }
    }

    private static void peers(final List<String> problems, final String who, final VrrpConfig router)
    {
        final Set<IpAddress> seen = new HashSet<>();
        for (final IpAddress peer : router.unicastPeers())
        {
            if (peer.ipv6() != router.family().ipv6())
            {
                problems.add(who + "unicast peer " + peer + " is not an " + familyName(router.family()) + " address");
                continue;
            }
            if (!seen.add(peer))
            {
                problems.add(who + "unicast peer " + peer + " is listed twice");
            }
            if (peer.equals(router.primaryAddress()))
            {
                problems.add(who + "unicast peer " + peer + " is this router's own primary address");
            }
            final String refusal = AddressRules.refusal(AddressRules.Role.GATEWAY, peer);
            if (refusal != null)
            {
                problems.add(who + "unicast peer: " + refusal.replace("gateway", "unicast peer"));
            }
        }
    }

    private static boolean linkLocal(final IpAddress address)
    {
        return (address.hi() & 0xFFC0_0000_0000_0000L) == 0xFE80_0000_0000_0000L;
    }

    private static String familyName(final VrrpFamily family)
    {
        return family.ipv6() ? "IPv6" : "IPv4";
    }
}
