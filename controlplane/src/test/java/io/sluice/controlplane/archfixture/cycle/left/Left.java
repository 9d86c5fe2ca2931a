package io.sluice.controlplane.archfixture.cycle.left;

import io.sluice.controlplane.archfixture.cycle.right.Right;

/**
 * Half of a deliberate package cycle (left ⇄ right): ArchitectureTest checks that its cycle rule reports it.
 */
public final class Left
{
    /**
     * @return a new right.
     */
    public Right right()
    {
        return new Right();
    }
}
