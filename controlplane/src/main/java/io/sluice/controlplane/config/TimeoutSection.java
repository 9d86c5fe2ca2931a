package io.sluice.controlplane.config;

import io.sluice.dataplane.service.DataplaneSettings;
import io.sluice.dataplane.service.ServiceSpec;

/**
 * The {@code timeouts:} section: idle timeouts of flows in the flow table. A service may override
 * the TCP and UDP ones.
 *
 * @param tcpIdleNs    idle timeout of an established TCP flow.
 * @param udpIdleNs    idle timeout of a UDP flow.
 * @param tcpClosingNs idle timeout of a TCP flow after a FIN or RST.
 * @param otherIdleNs  idle timeout of other flows (ICMP errors routed by flow).
 */
public record TimeoutSection(long tcpIdleNs, long udpIdleNs, long tcpClosingNs, long otherIdleNs)
{
    /** The defaults: 300 s, 30 s, 10 s, 30 s. */
    public static final TimeoutSection DEFAULTS = new TimeoutSection(ServiceSpec.DEFAULT_TCP_IDLE_TIMEOUT_NS,
        ServiceSpec.DEFAULT_UDP_IDLE_TIMEOUT_NS, DataplaneSettings.DEFAULT_TCP_CLOSING_TIMEOUT_NS,
        DataplaneSettings.DEFAULT_OTHER_IDLE_TIMEOUT_NS);
}
