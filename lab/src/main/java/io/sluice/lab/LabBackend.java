package io.sluice.lab;

/**
 * One backend of the lab as {@code lab.sh} builds it: a network namespace with one LAN interface,
 * its own addresses on it, every VIP on {@code lo}, a tc-BPF decapsulator on the LAN interface's
 * ingress and an HTTP / UDP echo server answering with {@link #name()}.
 *
 * @param name          the name the server answers with, and what {@code lab.sh backends} takes: {@code be1}.
 * @param namespace     its network namespace: {@code sl-be1}.
 * @param interfaceName its LAN interface inside the namespace: {@code sl-be1-lan}.
 * @param ipv4          its LAN IPv4 address (/24): {@code 203.0.113.11}.
 * @param ipv6          its LAN IPv6 address (/64): {@code 2001:db8:113::11}.
 * @param mac           the MAC of its LAN interface, fixed by {@code lab.sh}: {@code 02:00:cb:00:71:0b}.
 */
public record LabBackend(String name, String namespace, String interfaceName, String ipv4, String ipv6, String mac)
{
    /**
     * The backend numbered {@code index} (1 to 3), with the names and addresses {@code lab.sh} gives it.
     *
     * @param index 1, 2 or 3.
     * @return the backend.
     * @throws IllegalArgumentException when the lab has no such backend.
     */
    public static LabBackend number(final int index)
    {
        if (index < 1 || index > LabTopology.BACKEND_COUNT)
        {
            throw new IllegalArgumentException(
                "the lab has backends 1 to " + LabTopology.BACKEND_COUNT + ", not " + index);
        }
        final String name = "be" + index;
        return new LabBackend(name, "sl-" + name, "sl-" + name + "-lan", "203.0.113.1" + index,
            "2001:db8:113::1" + index, String.format("02:00:cb:00:71:%02x", 10 + index));
    }
}
