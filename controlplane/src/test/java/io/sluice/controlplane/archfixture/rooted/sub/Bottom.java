package io.sluice.controlplane.archfixture.rooted.sub;

import io.sluice.controlplane.archfixture.rooted.Top;

/**
 * A subpackage class that uses its base package (the other half of the cycle with {@link Top}).
 */
public final class Bottom
{
    /**
     * @param top a class of the base package.
     * @return whether it is there.
     */
    public static boolean present(final Top top)
    {
        return top != null;
    }
}
