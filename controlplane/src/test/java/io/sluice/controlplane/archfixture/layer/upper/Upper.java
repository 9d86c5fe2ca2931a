package io.sluice.controlplane.archfixture.layer.upper;

/**
 * The upper layer of a deliberate layering breach: ArchitectureTest checks that its layering rule reports it.
 */
public final class Upper
{
    /**
     * @return a fixed value the lower layer reads.
     */
    public static int value()
    {
        return 7;
    }
}
