package io.sluice.dataplane.service;

/**
 * What a NAT service's rewrite does to a packet besides its addresses and ports: the client's address
 * for the backends ({@link ClientAddress}) and the TCP MSS clamp.
 * <p>
 * <b>MSS clamp.</b> In {@code nat} and {@code fullnat} both directions pass the LB, so the MSS option
 * of the client's SYN (toward the backend) and of the backend's SYN-ACK (toward the client) are both
 * lowered to at most {@link #mssClamp}, for a path with less room than either end thinks. With {@link
 * ClientAddress#TOA} the SYN-ACK's MSS is also lowered by the option's length, clamp or not, since the
 * LB adds it to each of the client's segments. The other modes see only the client's direction: the
 * backend's SYN-ACK, whose MSS is what sizes the client's segments, never passes the LB, so a clamp
 * there could only shrink the backend's segments, which are not the ones that grow; those modes
 * lower the MSS on the backends instead ({@code ip route ... advmss}).
 * <p>
 * <b>Bounds.</b> The clamp is at least the smallest MSS every host must accept (536 over IPv4,
 * RFC 9293 3.7.1; 1220 over IPv6, RFC 8200 8.3: a smaller clamp would only slow every flow down) and
 * at most what the largest MTU the LB carries (9216) leaves after the IP and TCP headers (9176 over
 * IPv4, 9156 over IPv6). The TOA kind is 1..255 but none a TCP stack reads as one of its own options
 * ({@link #refusedToaKind}): the backend's kernel would take the client's address for that option.
 *
 * @param clientAddress how the backends learn the client's address.
 * @param toaKind       the TOA option's kind ({@link ClientAddress#TOA}), {@link #DEFAULT_TOA_KIND} unless the
 *                      backends' module reads another.
 * @param mssClamp      the largest MSS in a SYN or SYN-ACK, or {@link #NO_MSS_CLAMP}.
 */
public record RewriteOptions(ClientAddress clientAddress, int toaKind, int mssClamp)
{
    /** The TOA kind DPVS and the usual {@code toa.ko} read (an RFC 4727 experimental kind). */
    public static final int DEFAULT_TOA_KIND = 254;
    /** {@link #mssClamp}: no clamp. */
    public static final int NO_MSS_CLAMP = 0;
    /** The smallest clamp of an IPv4 service: the default MSS every host accepts. */
    public static final int MIN_MSS_CLAMP_IPV4 = 536;
    /** The largest clamp of an IPv4 service: a 9216-byte MTU less 40 bytes of headers. */
    public static final int MAX_MSS_CLAMP_IPV4 = 9176;
    /** The smallest clamp of an IPv6 service: IPv6's minimum MTU less 60 bytes of headers. */
    public static final int MIN_MSS_CLAMP_IPV6 = 1220;
    /** The largest clamp of an IPv6 service: a 9216-byte MTU less 60 bytes of headers. */
    public static final int MAX_MSS_CLAMP_IPV6 = 9156;
    /** What a PROXY v2 header adds to an IPv6 datagram (the MTU an IPv6 service needs is 1280 more). */
    public static final int PROXY_V2_IPV6_LENGTH = 52;
    /** Nothing added, no clamp: the default. */
    public static final RewriteOptions NONE = new RewriteOptions(ClientAddress.NONE, DEFAULT_TOA_KIND, NO_MSS_CLAMP);

    /**
     * Checks the carrier is given (the rest is checked with the service: {@link #refusal}).
     */
    public RewriteOptions
    {
        if (clientAddress == null)
        {
            throw new IllegalArgumentException("clientAddress must be given (ClientAddress.NONE for none)");
        }
    }

    /**
     * Why these options do not fit a service, if they do not.
     *
     * @param mode     the service's mode.
     * @param protocol its protocol, 6 or 17.
     * @param ipv6     its family.
     * @return the reason, for a message about the service, or null when they fit.
     */
    public String refusal(final ForwardingMode mode, final int protocol, final boolean ipv6)
    {
        final String modeName = mode.name().toLowerCase();
        final boolean tcp = protocol == 6;
        if (clientAddress != ClientAddress.NONE && mode != ForwardingMode.FULLNAT)
        {
            return "clientAddress " + clientAddress.configName() + " needs mode fullnat (" + modeName + (mode == ForwardingMode.NAT ?
                " keeps the client's address as the source, the backends already see it)" : " does not rewrite the source address)");
        }
        if (clientAddress == ClientAddress.TOA && !tcp)
        {
            return "clientAddress toa is a TCP option: a UDP service takes proxy-v2";
        }
        if (clientAddress == ClientAddress.PROXY_V2 && tcp)
        {
            return "clientAddress proxy-v2 is for UDP services: in a TCP stream its header would shift every sequence number " +
                "of the flow both ways; a TCP service takes toa";
        }
        final String kindRefusal = refusedToaKind(toaKind);
        if (kindRefusal != null)
        {
            return "toaKind " + toaKind + " " + kindRefusal + " (254 is what DPVS and toa.ko read, 200 some vendors' modules)";
        }
        return mssClamp == NO_MSS_CLAMP ? null : mssClampRefusal(mode, tcp, ipv6);
    }

    private String mssClampRefusal(final ForwardingMode mode, final boolean tcp, final boolean ipv6)
    {
        if (mode != ForwardingMode.NAT && mode != ForwardingMode.FULLNAT)
        {
            return "mssClamp needs mode nat or fullnat: in " + mode.name().toLowerCase() + " the backend's SYN-ACK, whose MSS " +
                "sizes the client's segments, does not pass the LB; lower the MSS the backends advertise instead " +
                "(ip route ... advmss" + (mode == ForwardingMode.DSR ? ")" : ", by the tunnel's " + mode.overhead(ipv6, 0) + "+ bytes)");
        }
        if (!tcp)
        {
            return "mssClamp is a TCP option's clamp: a UDP service has none";
        }
        final int min = ipv6 ? MIN_MSS_CLAMP_IPV6 : MIN_MSS_CLAMP_IPV4;
        final int max = ipv6 ? MAX_MSS_CLAMP_IPV6 : MAX_MSS_CLAMP_IPV4;
        if (mssClamp < min || mssClamp > max)
        {
            return "mssClamp " + mssClamp + " is not " + min + ".." + max + " (" + (ipv6 ? "IPv6" : "IPv4") + ": from the MSS " +
                "every host accepts to what a 9216-byte MTU leaves)";
        }
        return null;
    }

    /**
     * Why a TOA kind cannot be used, if it cannot: out of 1..255, or a kind TCP stacks read as an
     * option of their own (Linux parses MSS, window scale, SACK, timestamps, MD5, AO, MPTCP, Fast Open
     * and more), which the backend would take the client's address for.
     *
     * @param kind the kind.
     * @return the reason, or null when the kind is usable.
     */
    public static String refusedToaKind(final int kind)
    {
        if (kind < 1 || kind > 255)
        {
            return "is not 1..255";
        }
        final String standard = switch (kind)
        {
            case 1 -> "no-operation";
            case 2 -> "MSS";
            case 3 -> "window scale";
            case 4 -> "SACK permitted";
            case 5 -> "SACK";
            case 6, 7 -> "echo (RFC 1072)";
            case 8 -> "timestamps";
            case 19 -> "MD5 signature";
            case 27 -> "quick-start";
            case 28 -> "user timeout";
            case 29 -> "TCP-AO";
            case 30 -> "MPTCP";
            case 34 -> "Fast Open";
            case 69 -> "TCP-ENO";
            case 172, 174 -> "AccECN";
            default -> null;
        };
        return standard == null ? null : "is TCP's " + standard + " option: the backend's stack would read it as that";
    }
}
