package io.sluice.controlplane.archfixture.rooted;

import io.sluice.controlplane.archfixture.rooted.sub.Bottom;

/**
 * A class of a base package in a deliberate cycle with its own subpackage: ArchitectureTest checks that the cycle
 * rule sees the base package's classes as a slice of their own.
 */
public final class Top
{
    /**
     * @return true: this is there.
     */
    public boolean present()
    {
        return Bottom.present(this);
    }
}
