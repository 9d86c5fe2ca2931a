package io.sluice.dataplane.packet;

/**
 * Base of the header flyweights: a view of one protocol header at an absolute address (see
 * {@link Memory}), with the number of bytes the frame still holds from there. Subclasses check in
 * {@code wrap} that their header fits before any field is read, so a truncated frame is a
 * {@code false}, never an access outside the frame.
 */
public abstract class HeaderFlyweight
{
    /** Absolute address of this header's first byte. */
    protected long address;

    /** Bytes of the frame from {@link #address} to its end. */
    protected int available;

    /**
     * Points the flyweight at a header without checking it; subclasses validate.
     *
     * @param address   absolute address of the header.
     * @param available bytes of the frame from the address on.
     */
    protected final void point(final long address, final int available)
    {
        this.address = address;
        this.available = available;
    }

    /** @return absolute address of the header. */
    public final long address()
    {
        return address;
    }

    /** @return bytes of the frame from the header's start to the frame's end. */
    public final int available()
    {
        return available;
    }
}
