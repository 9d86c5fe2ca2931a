package io.sluice.dpdk;

import java.util.Objects;

/**
 * A 48-bit Ethernet MAC address held in the low 48 bits of a long, first byte on the wire most
 * significant: {@code 02:70:63:61:70:00} is {@code 0x0270_6361_7000L}.
 *
 * @param value the address.
 */
public record MacAddress(long value)
{
    /** Bytes in a MAC address. */
    public static final int LENGTH = 6;

    private static final long MASK = 0xFFFF_FFFF_FFFFL;

    /**
     * Validates the value.
     *
     * @throws IllegalArgumentException when bits above the 48th are set.
     */
    public MacAddress
    {
        if ((value & ~MASK) != 0)
        {
            throw new IllegalArgumentException("a MAC address has 48 bits, got 0x" + Long.toHexString(value));
        }
    }

    /**
     * Builds an address from its six bytes in wire order.
     *
     * @param bytes six bytes.
     * @return the address.
     */
    public static MacAddress of(final byte[] bytes)
    {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH)
        {
            throw new IllegalArgumentException("a MAC address has 6 bytes, got " + bytes.length);
        }
        long value = 0;
        for (final byte b : bytes)
        {
            value = (value << 8) | (b & 0xFF);
        }
        return new MacAddress(value);
    }

    /**
     * Parses {@code aa:bb:cc:dd:ee:ff} (colons or dashes, either case).
     *
     * @param text the address.
     * @return the address.
     * @throws IllegalArgumentException when the text is not a MAC address.
     */
    public static MacAddress parse(final String text)
    {
        Objects.requireNonNull(text, "text");
        final String[] parts = text.split("[:-]", -1);
        if (parts.length != LENGTH)
        {
            throw new IllegalArgumentException("not a MAC address: '" + text + "'");
        }
        final byte[] bytes = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++)
        {
            if (parts[i].length() != 2)
            {
                throw new IllegalArgumentException("not a MAC address: '" + text + "'");
            }
            try
            {
                bytes[i] = (byte)Integer.parseInt(parts[i], 16);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("not a MAC address: '" + text + "'", ex);
            }
        }
        return of(bytes);
    }

    /**
     * The six bytes in wire order.
     *
     * @return a new array.
     */
    public byte[] bytes()
    {
        final byte[] bytes = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++)
        {
            bytes[i] = (byte)(value >>> (8 * (LENGTH - 1 - i)));
        }
        return bytes;
    }

    /**
     * Whether the locally administered bit (0x02 of the first byte) is set.
     *
     * @return true for a locally administered address.
     */
    public boolean isLocallyAdministered()
    {
        return ((value >>> 40) & 0x02) != 0;
    }

    /**
     * Whether the group bit (0x01 of the first byte) is set.
     *
     * @return true for a multicast or broadcast address.
     */
    public boolean isMulticast()
    {
        return ((value >>> 40) & 0x01) != 0;
    }

    /**
     * The address as {@code aa:bb:cc:dd:ee:ff}.
     *
     * @return lowercase hex with colons.
     */
    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder(17);
        for (int i = LENGTH - 1; i >= 0; i--)
        {
            final int b = (int)(value >>> (8 * i)) & 0xFF;
            text.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            if (i > 0)
            {
                text.append(':');
            }
        }
        return text.toString();
    }
}
