package io.sluice.dataplane.maglev;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One backend as the Maglev builder sees it: a stable identity and a weight.
 * <p>
 * The identity is what places the backend in the table, so it must be the same on every load balancer
 * that serves the VIP and must not change while the backend lives: conventionally the backend's address
 * in network order (4 bytes for IPv4, 16 for IPv6), optionally followed by its port as 2 bytes in network
 * order (6 or 18 bytes). Any other non-empty byte string up to {@link #MAX_IDENTITY_LENGTH} is accepted
 * and compared byte for byte. Two backends are the same backend exactly when their identity bytes are equal.
 * <p>
 * The weight is a relative share: a backend of weight 2 gets twice the slots of one of weight 1. Weight 0
 * keeps the backend known to the table (its index stays valid) but gives it no slots, which is how a
 * backend is drained.
 * <p>
 * Instances are immutable: the identity is copied in and copied out.
 */
public final class MaglevBackend
{
    /** The largest weight a backend may have. */
    public static final int MAX_WEIGHT = 65535;

    /** The longest identity accepted, in bytes: room for an IPv6 address, a port and some spare. */
    public static final int MAX_IDENTITY_LENGTH = 64;

    private static final int IPV4_LENGTH = 4;
    private static final int IPV4_WITH_PORT_LENGTH = 6;
    private static final int IPV6_LENGTH = 16;
    private static final int IPV6_WITH_PORT_LENGTH = 18;

    private final byte[] identity;
    private final int weight;

    /**
     * Creates a backend.
     *
     * @param identity the stable identity bytes; copied.
     * @param weight   the relative weight, 0..{@link #MAX_WEIGHT}.
     * @throws IllegalArgumentException if the identity is null, empty or too long, or the weight is out of range.
     */
    public MaglevBackend(final byte[] identity, final int weight)
    {
        if (null == identity)
        {
            throw new IllegalArgumentException("backend identity must not be null");
        }
        if (0 == identity.length || identity.length > MAX_IDENTITY_LENGTH)
        {
            throw new IllegalArgumentException(
                "backend identity length " + identity.length + " out of range 1.." + MAX_IDENTITY_LENGTH);
        }
        if (weight < 0 || weight > MAX_WEIGHT)
        {
            throw new IllegalArgumentException(
                "backend " + format(identity) + " weight " + weight + " out of range 0.." + MAX_WEIGHT);
        }

        this.identity = identity.clone();
        this.weight = weight;
    }

    /**
     * The identity bytes.
     *
     * @return a copy of the identity bytes.
     */
    public byte[] identity()
    {
        return identity.clone();
    }

    /**
     * The relative weight.
     *
     * @return the weight, 0..{@link #MAX_WEIGHT}.
     */
    public int weight()
    {
        return weight;
    }

    /**
     * Whether this backend has the same identity as another, whatever the weights.
     *
     * @param other the other backend.
     * @return true when the identity bytes are equal.
     */
    public boolean sameIdentityAs(final MaglevBackend other)
    {
        return Arrays.equals(identity, other.identity);
    }

    /**
     * The canonical order of identities that makes a table independent of list order: unsigned
     * lexicographic order of the bytes, a proper prefix before the longer identity.
     *
     * @param other the other backend.
     * @return negative, zero or positive as this identity sorts before, equal to or after the other.
     */
    public int compareIdentity(final MaglevBackend other)
    {
        return Arrays.compareUnsigned(identity, other.identity);
    }

    /**
     * The identity bytes without a copy, for the builder and the table in this package only.
     *
     * @return the internal identity array, never to be modified.
     */
    byte[] identityBytes()
    {
        return identity;
    }

    /**
     * The identity in a form a person reads: {@code 10.0.0.1}, {@code 10.0.0.1:80}, {@code 2001:db8:0:0:0:0:0:1},
     * {@code [2001:db8:0:0:0:0:0:1]:80}, or hex for identities of another length.
     *
     * @return the readable identity.
     */
    public String identityText()
    {
        return format(identity);
    }

    /**
     * Backends are equal when both identity and weight are equal.
     *
     * @param other the object to compare with.
     * @return true when equal.
     */
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof final MaglevBackend that && weight == that.weight && Arrays.equals(identity, that.identity);
    }

    @Override
    public int hashCode()
    {
        return 31 * Arrays.hashCode(identity) + weight;
    }

    @Override
    public String toString()
    {
        return "MaglevBackend{" + format(identity) + " weight " + weight + "}";
    }

    static String format(final byte[] identity)
    {
        return switch (identity.length)
        {
            case IPV4_LENGTH, IPV6_LENGTH -> address(identity, identity.length);
            case IPV4_WITH_PORT_LENGTH -> address(identity, IPV4_LENGTH) + ":" + unsignedShort(identity, IPV4_LENGTH);
            case IPV6_WITH_PORT_LENGTH -> "[" + address(identity, IPV6_LENGTH) + "]:" + unsignedShort(identity, IPV6_LENGTH);
            default -> "0x" + HexFormat.of().formatHex(identity);
        };
    }

    private static String address(final byte[] identity, final int length)
    {
        final StringBuilder text = new StringBuilder(40);
        if (IPV4_LENGTH == length)
        {
            for (int i = 0; i < IPV4_LENGTH; i++)
            {
                text.append(i == 0 ? "" : ".").append(identity[i] & 0xFF);
            }
        }
        else
        {
            for (int i = 0; i < IPV6_LENGTH; i += 2)
            {
                text.append(i == 0 ? "" : ":").append(Integer.toHexString(unsignedShort(identity, i)));
            }
        }
        return text.toString();
    }

    private static int unsignedShort(final byte[] identity, final int offset)
    {
        return ((identity[offset] & 0xFF) << 8) | (identity[offset + 1] & 0xFF);
    }
}
