package io.sluice.controlplane.vrrp;

/**
 * Why a received frame was not taken as a VRRP advertisement; each reason has its own counter in
 * {@link VrrpCounters}. The checks follow RFC 5798 §7.1 in its order.
 */
public enum VrrpDiscard
{
    /** Not an IPv4 or IPv6 packet of protocol 112 (the caller handed over something else). */
    NOT_VRRP("not-vrrp"),
    /** An IP header that is cut short, has a bad length or header checksum, or is a fragment. */
    MALFORMED_IP("malformed-ip"),
    /** TTL (IPv4) or hop limit (IPv6) other than 255: the advert crossed a router. */
    TTL("ttl"),
    /** A VRRP version other than 3. */
    VERSION("version"),
    /** A VRRP type other than 1 (ADVERTISEMENT). */
    TYPE("type"),
    /** Shorter than the 8-byte VRRP header. */
    TOO_SHORT("too-short"),
    /** The address count does not match the VRRP length (8 + count × address length). */
    COUNT_MISMATCH("count-mismatch"),
    /** Neither checksum form (with or, IPv4 only, without the pseudo-header) matches. */
    CHECKSUM("checksum"),
    /** No virtual router with this VRID for this family here. */
    UNKNOWN_VRID("unknown-vrid"),
    /** Sent from this router's own primary address (our own advert looped back). */
    OWN_ADVERT("own-advert");

    private final String label;

    VrrpDiscard(final String label)
    {
        this.label = label;
    }

    /** @return the reason as counters and logs name it, e.g. {@code count-mismatch}. */
    public String label()
    {
        return label;
    }
}
