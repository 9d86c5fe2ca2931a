package io.sluice.lab;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IPIP (4in4) through the real daemon in the lab, decapsulated by the backends' tc-BPF program: the
 * VIP 192.0.2.11 with weights 1:2:3 (the demo's) under every test of {@link LbSystemTestBase}.
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
