// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Tunnel decapsulation for the lab's backends, attached to tc ingress (clsact, direct action) of a
 * backend's LAN interface. The lab kernel has neither the ipip nor the fou module, so this program
 * stands in for them: a packet addressed to the backend's own LAN address (LAN_IPV4 / LAN_IPV6,
 * given on the clang command line) that carries
 *
 *   - IP in IP: outer IPv4 with protocol 4 (IPv4) or 41 (IPv6), or outer IPv6 with next header
 *     4 or 41 (the Sluice dataplane sends 4in4 and 6in6),
 *   - GUE: UDP to port GUE_PORT (6080) holding either a variant 0 header (4 bytes plus Hlen words
 *     of options; a data message whose Proto field is 4 or 41) or variant 1 (no header: the inner
 *     IPv4 or IPv6 header starts the UDP payload),
 *
 * loses its outer headers here and continues up the stack as the inner packet (client -> VIP),
 * exactly as if it had arrived unencapsulated. The VIP sits on the backend's loopback, so the
 * backend's TCP answers the client directly from the VIP: direct server return via the router.
 *
 * Everything else passes untouched: other destinations, other protocols, other UDP ports, GUE
 * control messages, GUE data of an unknown protocol, outer fragments, inner headers whose version
 * does not match what the outer header announced (those four are counted as "ignored").
 *
 * The outer UDP checksum is not verified (the kernel's fou would verify it); the inner packet's own
 * checksums are verified by the backend's stack as usual.
 *
 * Removing the outer headers: bpf_skb_adjust_room(BPF_ADJ_ROOM_MAC) removes bytes right after the
 * Ethernet header. When the inner family differs from the outer one (GUE may carry IPv6 in IPv4),
 * the DECAP_L3 flag (Linux 6.3 and newer) makes the kernel set skb->protocol to the inner family,
 * which is what the stack dispatches on, and the program rewrites the Ethernet type to match.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#ifndef LAN_IPV4
#error "compile with -DLAN_IPV4=0x... (the backend's LAN IPv4 address, host byte order)"
#endif
#if !defined(LAN_IPV6_0) || !defined(LAN_IPV6_1) || !defined(LAN_IPV6_2) || !defined(LAN_IPV6_3)
#error "compile with -DLAN_IPV6_0..3=0x... (the backend's LAN IPv6 address as four 32-bit words, host byte order)"
#endif

#define GUE_PORT 6080

/* Flags of bpf_skb_adjust_room added in Linux 6.3, absent from older uapi headers. */
#define ADJ_ROOM_DECAP_L3_IPV4 (1ULL << 7)
#define ADJ_ROOM_DECAP_L3_IPV6 (1ULL << 8)

#define IP_FRAGMENT_MASK 0x3fff /* MF flag and fragment offset */

#define ENCAP_IPIP 0
#define ENCAP_GUE_V0 1
#define ENCAP_GUE_V1 2

/* What the program did, since it was attached; read with bpftool map dump (lab.sh counters). */
struct decap_stats
{
    __u64 decapsulated; /* packets delivered as their inner packet */
    __u64 ipip;         /* ... of which IP in IP */
    __u64 gue_v0;       /* ... of which GUE variant 0 */
    __u64 gue_v1;       /* ... of which GUE variant 1 */
    __u64 outer_ipv4;   /* ... of which had an outer IPv4 header */
    __u64 outer_ipv6;   /* ... of which had an outer IPv6 header */
    __u64 inner_ipv4;   /* ... of which carried IPv4 */
    __u64 inner_ipv6;   /* ... of which carried IPv6 */
    __u64 ignored;      /* tunnel packets for this backend left untouched (see above) */
    __u64 failed;       /* packets the kernel could not shrink: dropped */
};

struct
{
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct decap_stats);
} decap_stats SEC(".maps");

static __always_inline struct decap_stats *stats(void)
{
    const __u32 key = 0;
    return bpf_map_lookup_elem(&decap_stats, &key);
}

static __always_inline int ignore(void)
{
    struct decap_stats *s = stats();
    if (s)
    {
        __sync_fetch_and_add(&s->ignored, 1);
    }
    return TC_ACT_OK;
}

/*
 * Removes the outer_length bytes after the Ethernet header, which hold the outer IP header and
 * any UDP / GUE header, leaving the inner IP packet of the given family.
 */
static __always_inline int decapsulate(
    struct __sk_buff *skb, const __u32 outer_length, const int outer_ipv6, const int inner_ipv6, const int encap)
{
    __u8 first_byte;
    if (bpf_skb_load_bytes(skb, ETH_HLEN + outer_length, &first_byte, 1) < 0 ||
        (first_byte >> 4) != (inner_ipv6 ? 6 : 4))
    {
        return ignore();
    }

    const int family_changes = outer_ipv6 != inner_ipv6;
    const __u64 flags = !family_changes ? 0 : inner_ipv6 ? ADJ_ROOM_DECAP_L3_IPV6 : ADJ_ROOM_DECAP_L3_IPV4;
    struct decap_stats *s = stats();
    if (bpf_skb_adjust_room(skb, -(__s32)outer_length, BPF_ADJ_ROOM_MAC, flags) < 0)
    {
        if (s)
        {
            __sync_fetch_and_add(&s->failed, 1);
        }
        return TC_ACT_SHOT;
    }
    if (family_changes)
    {
        const __be16 ether_type = bpf_htons(inner_ipv6 ? ETH_P_IPV6 : ETH_P_IP);
        bpf_skb_store_bytes(skb, offsetof(struct ethhdr, h_proto), &ether_type, sizeof(ether_type), 0);
    }

    if (s)
    {
        __sync_fetch_and_add(&s->decapsulated, 1);
        __sync_fetch_and_add(encap == ENCAP_IPIP ? &s->ipip : encap == ENCAP_GUE_V0 ? &s->gue_v0 : &s->gue_v1, 1);
        __sync_fetch_and_add(outer_ipv6 ? &s->outer_ipv6 : &s->outer_ipv4, 1);
        __sync_fetch_and_add(inner_ipv6 ? &s->inner_ipv6 : &s->inner_ipv4, 1);
    }
    return TC_ACT_OK;
}

/* The UDP datagram at udp_offset (from the start of the IP header) is for this backend. */
static __always_inline int decapsulate_gue(struct __sk_buff *skb, const __u32 udp_offset, const int outer_ipv6)
{
    struct udphdr udp;
    if (bpf_skb_load_bytes(skb, ETH_HLEN + udp_offset, &udp, sizeof(udp)) < 0 || udp.dest != bpf_htons(GUE_PORT))
    {
        return TC_ACT_OK;
    }

    const __u32 payload_offset = udp_offset + sizeof(udp);
    __u8 header[2];
    if (bpf_skb_load_bytes(skb, ETH_HLEN + payload_offset, header, sizeof(header)) < 0)
    {
        return ignore();
    }

    const __u8 variant = header[0] >> 6;
    if (variant == 1)
    {
        const __u8 ip_version = header[0] >> 4;
        return decapsulate(skb, payload_offset, outer_ipv6, ip_version == 6, ENCAP_GUE_V1);
    }
    if (variant != 0 || (header[0] & 0x20) != 0)
    {
        return ignore();
    }

    const __u32 header_length = 4 + (header[0] & 0x1f) * 4;
    const __u8 protocol = header[1];
    if (protocol != IPPROTO_IPIP && protocol != IPPROTO_IPV6)
    {
        return ignore();
    }
    return decapsulate(skb, payload_offset + header_length, outer_ipv6, protocol == IPPROTO_IPV6, ENCAP_GUE_V0);
}

static __always_inline int decapsulate_by_protocol(
    struct __sk_buff *skb, const __u8 protocol, const __u32 header_length, const int outer_ipv6)
{
    switch (protocol)
    {
        case IPPROTO_IPIP:
            return decapsulate(skb, header_length, outer_ipv6, 0, ENCAP_IPIP);
        case IPPROTO_IPV6:
            return decapsulate(skb, header_length, outer_ipv6, 1, ENCAP_IPIP);
        case IPPROTO_UDP:
            return decapsulate_gue(skb, header_length, outer_ipv6);
        default:
            return TC_ACT_OK;
    }
}

static __always_inline int decapsulate_ipv4(struct __sk_buff *skb)
{
    struct iphdr ip;
    if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) < 0 || ip.version != 4 || ip.ihl < 5 ||
        ip.daddr != bpf_htonl(LAN_IPV4))
    {
        return TC_ACT_OK;
    }
    if ((ip.frag_off & bpf_htons(IP_FRAGMENT_MASK)) != 0)
    {
        return ip.protocol == IPPROTO_IPIP || ip.protocol == IPPROTO_IPV6 || ip.protocol == IPPROTO_UDP ?
            ignore() : TC_ACT_OK;
    }
    return decapsulate_by_protocol(skb, ip.protocol, ip.ihl * 4, 0);
}

static __always_inline int decapsulate_ipv6(struct __sk_buff *skb)
{
    struct ipv6hdr ip;
    if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) < 0 || ip.version != 6 ||
        ip.daddr.in6_u.u6_addr32[0] != bpf_htonl(LAN_IPV6_0) || ip.daddr.in6_u.u6_addr32[1] != bpf_htonl(LAN_IPV6_1) ||
        ip.daddr.in6_u.u6_addr32[2] != bpf_htonl(LAN_IPV6_2) || ip.daddr.in6_u.u6_addr32[3] != bpf_htonl(LAN_IPV6_3))
    {
        return TC_ACT_OK;
    }
    return decapsulate_by_protocol(skb, ip.nexthdr, sizeof(ip), 1);
}

SEC("tc")
int sluice_decap(struct __sk_buff *skb)
{
    if (skb->protocol == bpf_htons(ETH_P_IP))
    {
        return decapsulate_ipv4(skb);
    }
    if (skb->protocol == bpf_htons(ETH_P_IPV6))
    {
        return decapsulate_ipv6(skb);
    }
    return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
