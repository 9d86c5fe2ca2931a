package io.sluice.lab;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IPIP (4in4) through the real daemon in the lab, decapsulated by the backends' tc-BPF program: the
 * VIP 192.0.2.11 with weights 1:2:3 (the demo's) under the smoke tests and the full battery of
 * {@link LbSystemTestBase}. IPIP carries the battery for every mode: it does all DSR does (the
 * frame goes to the backend's MAC, the backend answers the client directly) and adds the tunnel
 * (outer header per backend, the backends' decap counters as a second count of what the LB sent
 * each of them); GUE adds only a UDP header to it, whose bytes the pcap golden tests pin.
 */
class LbIpipSystemTest extends LbSystemTestBase
{
    private static final LbConfig.Service IPIP = LbConfig.Service.of("192.0.2.11", "ipip", 1, 2, 3);

    @RegisterExtension
    static final LabLoadBalancer LB = new LabLoadBalancer(LbConfig.of(IPIP));

    @Override
    LabLoadBalancer lb()
    {
        return LB;
    }

    @Override
    LbConfig.Service service()
    {
        return IPIP;
    }

    @Override
    String spareVip()
    {
        return "192.0.2.10";
    }
}
