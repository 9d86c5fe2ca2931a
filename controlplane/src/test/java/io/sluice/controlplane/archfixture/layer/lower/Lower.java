package io.sluice.controlplane.archfixture.layer.lower;

import io.sluice.controlplane.archfixture.layer.upper.Upper;

/**
 * A lower layer that reaches up (the breach): ArchitectureTest checks that its layering rule reports it.
 */
public final class Lower
{
    /**
     * @return what the upper layer says.
     */
    public int read()
    {
        return Upper.value();
    }
}
