package io.sluice.controlplane.archfixture.cycle.right;

import io.sluice.controlplane.archfixture.cycle.left.Left;

/**
 * Other half of a deliberate package cycle (left ⇄ right): ArchitectureTest checks that its cycle rule reports it.
 */
public final class Right
{
    /**
     * @return a new left.
     */
    public Left left()
    {
        return new Left();
    }
}
