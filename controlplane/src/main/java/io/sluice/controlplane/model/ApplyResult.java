package io.sluice.controlplane.model;

import java.util.List;

/**
 * The outcome of applying a whole configuration (a reload, or {@code ApplyConfig}).
 *
 * @param changes    the differences with the configuration that was in force.
 * @param applied    true when the changes run on every worker; false for a dry run or when nothing changed.
 * @param generation the generation in force after the call.
 * @param notApplied the sections that differ but need a restart, each with why.
 * @param summary    what changed, in one line.
 */
public record ApplyResult(List<ConfigChange> changes, boolean applied, long generation, List<String> notApplied, String summary)
{
    /**
     * Copies the lists.
     */
    public ApplyResult
    {
        changes = List.copyOf(changes);
        notApplied = List.copyOf(notApplied);
    }
}
