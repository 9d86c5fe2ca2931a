package io.sluice.controlplane.model;

/**
 * The outcome of a change: every worker runs {@link #generation()}.
 *
 * @param generation the generation in force, the change included.
 * @param summary    what changed, in one line.
 * @param service    the service after the change, or null when it was removed.
 */
public record ChangeResult(long generation, String summary, ServiceView service)
{
}
