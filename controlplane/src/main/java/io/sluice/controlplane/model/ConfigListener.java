package io.sluice.controlplane.model;

import io.sluice.controlplane.config.SluiceConfig;

/**
 * Told of every configuration the {@link ControlModel} puts in force (an API change, an applied
 * configuration, a reload), so that what follows the configuration, such as the health checks'
 * targets, follows it. Called with the model's lock held, in the order of the changes, after the
 * new state is in force: a listener must be quick, may read the model, and must not change it.
 * An exception thrown here is logged and does not undo the change.
 */
@FunctionalInterface
public interface ConfigListener
{
    /**
     * A configuration is in force.
     *
     * @param config the configuration in force now.
     */
    void onConfigApplied(SluiceConfig config);
}
