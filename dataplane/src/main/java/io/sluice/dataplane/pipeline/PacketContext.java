package io.sluice.dataplane.pipeline;

import io.sluice.dataplane.flow.FlowKey;
import io.sluice.dataplane.service.Backend;
import io.sluice.dataplane.service.Service;
import io.sluice.dataplane.stats.DropReason;
import io.sluice.dataplane.stats.Verdict;

/**
 * What the pipeline has learnt of the packet it is processing, stage by stage: one instance per
 * worker, reset for every packet, so that no stage passes facts to the next through fields of its
 * own or long parameter lists (Katran's {@code packet_description}).
 * <pre>
 *   parse     ─► frame, l2Length, etherType, groupMac, ipv6, l3, ipLength, protocol, ttl, tos,
 *                ttlWord (IPv4: TTL, protocol and checksum as read, for the TTL's rewrite),
 *                fragment, laterFragment (no L4 header), dontFragment, addresses, l4, l4Length,
 *                ports, tcpFlags, l4Valid
 *   classify  ─► service, quoted (an ICMP error routed by the flow it quotes), key,
 *                natReply (a NAT backend's reply: its backend set, no flow stage),
 *                for a quoted packet: innerL3, innerL4, innerEnd (its end in the frame), innerProtocol;
 *                natReverse (to a NAT address: a full-NAT reply, looked up by the flow stage)
 *   flow      ─► full NAT: natHi, natLo, natPort (the NAT address and port of a client's packet,
 *                the client's address and port of a reply)
 *   flow      ─► hash, backend, newFlow
 *   forward   ─► the frame rewritten in place
 *   any stage ─► dropReason, with the verdict {@link Verdict#DROP}
 * </pre>
 * IPv4 addresses are held as ints in {@link #src4} and {@link #dst4}; IPv6 addresses as two longs
 * each. Fields are package-private: the stages of this package read and write them directly, as C
 * code reads a struct.
 */
final class PacketContext
{
    final FlowKey key = new FlowKey();

    int frameLength;
    int l2Length;
    int etherType;
    boolean groupMac;

    boolean ipv6;
    long l3;
    int ipLength;
    int protocol;
    int ttl;
    int tos;
    int ttlWord;
    boolean fragment;
    boolean laterFragment;
    boolean dontFragment;
    int src4;
    int dst4;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;

    long l4;
    int l4Length;
    boolean l4Valid;
    int srcPort;
    int dstPort;
    int tcpFlags;

    Service service;
    boolean quoted;
    boolean natReply;
    boolean natReverse;
    long natHi;
    long natLo;
    int natPort;
    long innerL3;
    long innerL4;
    long innerEnd;
    int innerProtocol;
    long hash;
    Backend backend;
    boolean newFlow;

    int dropReason;

    /**
     * Starts a packet. Only the length is set here: every other field is written by the stage that
     * learns it before any later stage reads it (the parser clears {@code l4Valid}, the classifier
     * {@code quoted}, the flow stage {@code newFlow}), which is cheaper than clearing all per packet.
     */
    void reset(final int frameLength)
    {
        this.frameLength = frameLength;
    }

    /**
     * Ends a stage with a drop.
     *
     * @param reason why.
     * @return {@link Verdict#DROP}.
     */
    int drop(final DropReason reason)
    {
        dropReason = reason.ordinal();
        return Verdict.DROP;
    }
}
