package io.sluice.dataplane.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.sluice.dataplane.maglev.MaglevTable;
import io.sluice.dataplane.service.ForwardingMode;
import io.sluice.dataplane.service.FragmentPolicy;
import io.sluice.dataplane.service.IpAddress;
import io.sluice.dataplane.service.ServiceSpec;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;
import io.sluice.dataplane.worker.ReferenceFlowModel;

import static io.sluice.dataplane.pipeline.Frames.*;
import static io.sluice.dataplane.pipeline.PipelineHarness.*;

/**
 * IP fragments: services with {@code fragments: l3} (DSR over three backends, NAT) beside the
 * standard ones, whose fragments are dropped. Every datagram here is cut in two: a first fragment
 * with the first {@link #FIRST_LENGTH} bytes of the TCP or UDP datagram (its ports and checksum),
 * and a later one with the rest and no L4 header. The backend of an {@code l3} flow comes from the
 * reference model of the flow hash with both ports 0, and every whole packet of these tables uses
 * a client port whose 5-tuple would pick another backend, so the expected bytes show that no port
 * is hashed. NAT outputs are built from the translated datagram, checksums computed in full, and
 * cut the same way.
 */
public final class FragmentFixtures
{
    public static final String VIP_L3 = "192.0.2.80";
    public static final String VIP6_L3 = "2001:db8:100::80";
    /** Two TCP services of one VIP, fragments dropped: a later fragment matches neither. */
    public static final String VIP_SHARED = "192.0.2.85";
    public static final String VIP_NAT_L3 = "192.0.2.90";
    public static final String VIP6_NAT_L3 = "2001:db8:100::90";
    public static final List<String> BACKENDS = List.of("10.0.0.81", "10.0.0.82", "10.0.0.83");
    public static final List<String> BACKENDS6 = List.of("2001:db8::81", "2001:db8::82", "2001:db8::83");
    public static final List<String> BACKEND_MACS = List.of("02:00:00:00:08:01", "02:00:00:00:08:02", "02:00:00:00:08:03");
    public static final int NAT_L3_TCP_PORT = 9090;
    public static final int NAT_L3_UDP_PORT = 5354;
    /** Bytes of the TCP or UDP datagram in a first fragment: a multiple of 8, past the TCP header. */
    public static final int FIRST_LENGTH = 24;
    public static final int ID = 0x1234;
    public static final int CLIENT_PORT = 40000;

    private static final int MF = 0x2000;
    private static final int FRAGMENT_HEADER = 44;

    private FragmentFixtures()
    {
    }

    /** @return the services these fixtures add to the standard ones. */
    public static List<ServiceSpec> services()
    {
        return List.of(
            l3(service(VIP_L3, 80, TCP, ForwardingMode.DSR, BACKENDS), 0),
            l3(service(VIP_L3, 53, UDP, ForwardingMode.DSR, BACKENDS), 0),
            l3(service(VIP6_L3, 80, TCP, ForwardingMode.DSR, BACKENDS6), 0),
            service(VIP_SHARED, 80, TCP, ForwardingMode.IPIP, List.of(BACKEND_IPIP)),
            service(VIP_SHARED, 443, TCP, ForwardingMode.IPIP, List.of(BACKEND_IPIP)),
            l3(service(VIP_NAT_L3, 80, TCP, ForwardingMode.NAT, List.of(BACKEND_NAT)), NAT_L3_TCP_PORT),
            l3(service(VIP_NAT_L3, 53, UDP, ForwardingMode.NAT, List.of(BACKEND_NAT)), NAT_L3_UDP_PORT),
            l3(service(VIP6_NAT_L3, 53, UDP, ForwardingMode.NAT, List.of(BACKEND6_NAT)), NAT_L3_UDP_PORT));
    }

    /** @return the standard harness with {@link #services()}, the DSR backends' MACs known. */
    public static PipelineHarness harness()
    {
        return knowBackends(new PipelineHarness(services()));
    }

    /**
     * Makes the MACs of the DSR backends of {@link #services()} known.
     *
     * @param harness a harness with {@link #services()}.
     * @return the harness.
     */
    public static PipelineHarness knowBackends(final PipelineHarness harness)
    {
        for (int i = 0; i < BACKENDS.size(); i++)
        {
            harness.neighbours().setStatic(IpAddress.parse(BACKENDS.get(i)), macLong(BACKEND_MACS.get(i)));
            harness.neighbours().setStatic(IpAddress.parse(BACKENDS6.get(i)), macLong(BACKEND_MACS.get(i)));
        }
        return harness;
    }

    public static List<PacketFixture> fixtures()
    {
        final List<PacketFixture> fixtures = new ArrayList<>();
        dsr(fixtures, false, TCP, 80);
        dsr(fixtures, false, UDP, 53);
        dsr(fixtures, true, TCP, 80);
        dropped(fixtures);
        nat(fixtures, false, UDP, 53, NAT_L3_UDP_PORT);
        nat(fixtures, false, TCP, 80, NAT_L3_TCP_PORT);
        nat(fixtures, true, UDP, 53, NAT_L3_UDP_PORT);
        return fixtures;
    }

    /** An l3 DSR service: first fragment, later fragment and a whole packet of one client, to one backend. */
    private static void dsr(final List<PacketFixture> fixtures, final boolean ipv6, final int protocol, final int port)
    {
        final String client = ipv6 ? CLIENT6 : CLIENT;
        final String vip = ipv6 ? VIP6_L3 : VIP_L3;
        final String mac = BACKEND_MACS.get(l3Backend(client, vip, protocol));
        final String name = (ipv6 ? "IPv6 " : "IPv4 ") + (protocol == TCP ? "TCP" : "UDP");
        final byte[][] fragments = fragments(ipv6, client, vip, protocol, 64, datagram(protocol, client, vip, CLIENT_PORT, port));
        final int otherPort = portPickingAnotherBackend(client, vip, protocol, port);
        final byte[] whole = ip(ipv6, client, vip, protocol, 64, 0, datagram(protocol, client, vip, otherPort, port));
        fixtures.add(PacketFixture.transmit("l3 " + name + " first fragment: to the backend of the addresses and protocol alone",
            frame(ipv6, LB_MAC, ROUTER_MAC, fragments[0]), Verdict.FORWARD, frame(ipv6, mac, LB_MAC, fragments[0])));
        fixtures.add(PacketFixture.transmit("l3 " + name + " later fragment, no ports: the one service of its VIP and protocol, " +
            "the same backend", frame(ipv6, LB_MAC, ROUTER_MAC, fragments[1]), Verdict.FORWARD, frame(ipv6, mac, LB_MAC, fragments[1])));
        fixtures.add(PacketFixture.transmit("l3 " + name + " whole packet from port " + otherPort + " (its 5-tuple would pick " +
            "another backend): hashed without ports, the same backend",
            frame(ipv6, LB_MAC, ROUTER_MAC, whole), Verdict.FORWARD, frame(ipv6, mac, LB_MAC, whole)));
    }

    private static void dropped(final List<PacketFixture> fixtures)
    {
        final byte[] segment = datagram(TCP, CLIENT, VIP_SHARED, CLIENT_PORT, 80);
        fixtures.add(PacketFixture.drop("later fragment to a VIP with two TCP services: no port tells them apart",
            frame(false, LB_MAC, ROUTER_MAC, fragments(false, CLIENT, VIP_SHARED, TCP, 64, segment)[1]), DropReason.FRAGMENT));
        fixtures.add(PacketFixture.drop("later fragment to the one TCP service of a VIP, fragments drop",
            frame(false, LB_MAC, ROUTER_MAC, fragments(false, CLIENT, VIP_DSR, TCP, 64, datagram(TCP, CLIENT, VIP_DSR, CLIENT_PORT, 80))[1]),
            DropReason.FRAGMENT));
        fixtures.add(PacketFixture.drop("IPv6 later fragment to the one TCP service of a VIP, fragments drop",
            frame(true, LB_MAC, ROUTER_MAC, fragments(true, CLIENT6, VIP6_DSR, TCP, 64, datagram(TCP, CLIENT6, VIP6_DSR, CLIENT_PORT, 80))[1]),
            DropReason.FRAGMENT));
        fixtures.add(PacketFixture.drop("first fragment to a port of an l3 VIP that no service has",
            frame(false, LB_MAC, ROUTER_MAC, fragments(false, CLIENT, VIP_L3, TCP, 64, datagram(TCP, CLIENT, VIP_L3, CLIENT_PORT, 81))[0]),
            DropReason.FRAGMENT));
        fixtures.add(PacketFixture.drop("later ICMP fragment to an l3 VIP: no ICMP service",
            frame(false, LB_MAC, ROUTER_MAC, fragments(false, CLIENT, VIP_L3, ICMP, 64, new byte[48])[1]), DropReason.FRAGMENT));
        fixtures.add(PacketFixture.drop("NAT reply's first fragment from the endpoint of a service whose fragments drop",
            frame(false, LB_MAC, NAT_BACKEND_MAC,
                fragments(false, BACKEND_NAT, CLIENT, TCP, 64, datagram(TCP, BACKEND_NAT, CLIENT, NAT_TCP_PORT, CLIENT_PORT))[0]),
            DropReason.FRAGMENT));
        fixtures.add(PacketFixture.drop("later TCP fragment from a NAT backend with no l3 NAT service of TCP: no reply, no VIP",
            frame(true, LB_MAC, NAT_BACKEND_MAC,
                fragments(true, BACKEND6_NAT, CLIENT6, TCP, 64, datagram(TCP, BACKEND6_NAT, CLIENT6, NAT_TCP_PORT, CLIENT_PORT))[1]),
            DropReason.NO_VIP));
        final byte[] atomic = ipv6(CLIENT6, VIP6_DSR, FRAGMENT_HEADER, 64, 0, 0,
            concat(fragmentHeader(TCP, 0, false), datagram(TCP, CLIENT6, VIP6_DSR, CLIENT_PORT, 80)));
        fixtures.add(PacketFixture.transmit("IPv6 atomic fragment (offset 0, no more): a whole packet (RFC 8200 4.5), forwarded",
            frame(true, LB_MAC, ROUTER_MAC, atomic), Verdict.FORWARD, frame(true, DSR6_BACKEND_MAC, LB_MAC, atomic)));
    }

    /** An l3 NAT service: a client's first and later fragment to the backend, the backend's reply fragments back. */
    private static void nat(final List<PacketFixture> fixtures, final boolean ipv6, final int protocol, final int port, final int backendPort)
    {
        final String client = ipv6 ? CLIENT6 : CLIENT;
        final String vip = ipv6 ? VIP6_NAT_L3 : VIP_NAT_L3;
        final String backend = ipv6 ? BACKEND6_NAT : BACKEND_NAT;
        final String name = "NAT l3 " + (ipv6 ? "IPv6 " : "IPv4 ") + (protocol == TCP ? "TCP" : "UDP");
        final byte[][] in = fragments(ipv6, client, vip, protocol, 64, datagram(protocol, client, vip, CLIENT_PORT, port));
        final byte[][] out = fragments(ipv6, client, backend, protocol, 63, datagram(protocol, client, backend, CLIENT_PORT, backendPort));
        fixtures.add(PacketFixture.transmit(name + " first fragment: destination address and port, the datagram's checksum updated",
            frame(ipv6, LB_MAC, ROUTER_MAC, in[0]), Verdict.FORWARD, frame(ipv6, NAT_BACKEND_MAC, LB_MAC, out[0])));
        fixtures.add(PacketFixture.transmit(name + " later fragment: the destination address only, its payload untouched",
            frame(ipv6, LB_MAC, ROUTER_MAC, in[1]), Verdict.FORWARD, frame(ipv6, NAT_BACKEND_MAC, LB_MAC, out[1])));
        final byte[][] reply = fragments(ipv6, backend, client, protocol, 64, datagram(protocol, backend, client, backendPort, CLIENT_PORT));
        final byte[][] back = fragments(ipv6, vip, client, protocol, 63, datagram(protocol, vip, client, port, CLIENT_PORT));
        fixtures.add(PacketFixture.transmit(name + " reply's first fragment: source back to the VIP and port",
            frame(ipv6, LB_MAC, NAT_BACKEND_MAC, reply[0]), Verdict.FORWARD, frame(ipv6, ROUTER_MAC, LB_MAC, back[0])));
        fixtures.add(PacketFixture.transmit(name + " reply's later fragment: by the backend's address and protocol, source back " +
            "to the VIP", frame(ipv6, LB_MAC, NAT_BACKEND_MAC, reply[1]), Verdict.FORWARD, frame(ipv6, ROUTER_MAC, LB_MAC, back[1])));
    }

    /** @return the index in {@link #BACKENDS} (or {@link #BACKENDS6}) the reference model gives a client's l3 flow. */
    public static int l3Backend(final String client, final String vip, final int protocol)
    {
        return model(vip).backendFor(ReferenceFlowModel.hash(Frames.ip(client), Frames.ip(vip), 0, 0, protocol));
    }

    /** @return the first client port from 40001 whose 5-tuple the reference model gives another backend than the l3 flow. */
    public static int portPickingAnotherBackend(final String client, final String vip, final int protocol, final int vipPort)
    {
        final int l3 = l3Backend(client, vip, protocol);
        for (int port = CLIENT_PORT + 1; ; port++)
        {
            if (model(vip).backendFor(ReferenceFlowModel.hash(Frames.ip(client), Frames.ip(vip), port, vipPort, protocol)) != l3)
            {
                return port;
            }
        }
    }

    private static ReferenceFlowModel model(final String vip)
    {
        final List<String> backends = vip.contains(":") ? BACKENDS6 : BACKENDS;
        return new ReferenceFlowModel(backends.stream().map(Frames::ip).toList(), List.of(1, 1, 1));
    }

    /** A TCP segment (ACK, 28 bytes of data) or UDP datagram (40 bytes of data) of 48 bytes, checksum computed in full. */
    public static byte[] datagram(final int protocol, final String src, final String dst, final int srcPort, final int dstPort)
    {
        final byte[] data = new byte[protocol == TCP ? 28 : 40];
        for (int i = 0; i < data.length; i++)
        {
            data[i] = (byte)(i * 7 + 3);
        }
        return protocol == TCP ? tcp(src, dst, srcPort, dstPort, TCP_ACK, data) : udp(src, dst, srcPort, dstPort, data);
    }

    /**
     * A datagram cut in two IP packets: the first {@link #FIRST_LENGTH} bytes (more fragments), then
     * the rest (offset {@link #FIRST_LENGTH}); IPv4 without DF, IPv6 with a Fragment header; ID {@link #ID}.
     */
    public static byte[][] fragments(
        final boolean ipv6, final String src, final String dst, final int protocol, final int ttl, final byte[] datagram)
    {
        final byte[] first = Arrays.copyOf(datagram, FIRST_LENGTH);
        final byte[] rest = Arrays.copyOfRange(datagram, FIRST_LENGTH, datagram.length);
        if (ipv6)
        {
            return new byte[][] {
                ipv6(src, dst, FRAGMENT_HEADER, ttl, 0, 0, concat(fragmentHeader(protocol, 0, true), first)),
                ipv6(src, dst, FRAGMENT_HEADER, ttl, 0, 0, concat(fragmentHeader(protocol, FIRST_LENGTH, false), rest))};
        }
        return new byte[][] {
            ipv4(src, dst, protocol, ttl, 0, MF, ID, first),
            ipv4(src, dst, protocol, ttl, 0, FIRST_LENGTH / 8, ID, rest)};
    }

    /** An IPv6 Fragment header: next header, offset in bytes (a multiple of 8), M flag, ID {@link #ID}. */
    public static byte[] fragmentHeader(final int nextHeader, final int offset, final boolean more)
    {
        return concat(new byte[] {(byte)nextHeader, 0}, u16(offset | (more ? 1 : 0)), u32(ID));
    }

    private static byte[] ip(
        final boolean ipv6, final String src, final String dst, final int protocol, final int ttl, final int flags, final byte[] payload)
    {
        return ipv6 ? ipv6(src, dst, protocol, ttl, 0, 0, payload) : ipv4(src, dst, protocol, ttl, 0, flags, ID, payload);
    }

    public static byte[] frame(final boolean ipv6, final String dst, final String src, final byte[] ip)
    {
        return padded(ethernet(dst, src, ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4, ip));
    }

    private static ServiceSpec service(
        final String vip, final int port, final int protocol, final ForwardingMode mode, final List<String> backends)
    {
        return new ServiceSpec(IpAddress.parse(vip), port, protocol, mode,
            backends.stream().map(b -> new ServiceSpec.BackendSpec(IpAddress.parse(b), 1)).toList(),
            MaglevTable.DEFAULT_SIZE, TCP_TIMEOUT_NS, UDP_TIMEOUT_NS);
    }

    private static ServiceSpec l3(final ServiceSpec spec, final int backendPort)
    {
        return spec.withTranslation(backendPort, FragmentPolicy.L3);
    }
}
