package io.sluice.controlplane.model;

import java.time.Instant;

import io.sluice.controlplane.health.BackendHealth;
import io.sluice.controlplane.vrrp.VrrpState;
import io.sluice.dataplane.service.IpAddress;

/**
 * Something the control plane did or saw, as {@code WatchEvents} streams it.
 *
 * @param sequence one more than the event published before it (over all kinds).
 * @param time     when it was published.
 * @param detail   what happened.
 */
public record ControlEvent(long sequence, Instant time, Detail detail)
{
    /**
     * What happened.
     */
    public sealed interface Detail permits HealthChanged, GenerationApplied, QuorumChanged, NoBackendChanged, HaChanged,
        VrrpChanged
    {
    }

    /**
     * A backend's health state changed.
     *
     * @param service   its service.
     * @param backend   its address (a backend's, or the service's sorry backend's).
     * @param oldState  the state before.
     * @param newState  the state now.
     * @param reason    why, in words.
     * @param latencyNs duration of the check that decided it, or -1.
     */
    public record HealthChanged(
        ServiceKey service, IpAddress backend, BackendHealth oldState, BackendHealth newState, String reason, long latencyNs)
        implements Detail
    {
    }

    /**
     * A configuration generation runs on every worker.
     *
     * @param generation the generation.
     * @param change     what changed, in one line.
     * @param origin     who changed it: {@code api}, {@code reload}, {@code apply} or {@code health}.
     */
    public record GenerationApplied(long generation, String change, String origin) implements Detail
    {
    }

    /**
     * A service fell below its quorum, or is back at it.
     *
     * @param service     the service.
     * @param lost        true when lost, false when regained.
     * @param serving     backends taking new flows now.
     * @param quorum      the quorum.
     * @param sorryActive whether the sorry backend takes the new flows now.
     */
    public record QuorumChanged(ServiceKey service, boolean lost, int serving, int quorum, boolean sorryActive) implements Detail
    {
    }

    /**
     * No backend of a service can take a new flow (new flows are dropped, reason no-backend), or one can again.
     *
     * @param service   the service.
     * @param noBackend true when none can now.
     */
    public record NoBackendChanged(ServiceKey service, boolean noBackend) implements Detail
    {
    }

    /**
     * The high-availability role of this daemon changed (published after the {@link VrrpChanged} that changed it).
     *
     * @param oldState the role before.
     * @param newState the role now.
     */
    public record HaChanged(HaState.Role oldState, HaState.Role newState) implements Detail
    {
    }

    /**
     * A VRRP virtual router of this daemon changed state, and the dataplane switched (or failed to).
     *
     * @param router  its name.
     * @param vrid    its VRID.
     * @param ipv6    its family.
     * @param from    the state it left.
     * @param to      the state it entered.
     * @param oldRole the daemon's HA role before this transition.
     * @param newRole the daemon's HA role after it.
     */
    public record VrrpChanged(
        String router, int vrid, boolean ipv6, VrrpState from, VrrpState to, HaState.Role oldRole, HaState.Role newRole)
        implements Detail
    {
    }
}
