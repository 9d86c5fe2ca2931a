package io.sluice.lab;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GUE (IPv4 in UDP port 6080, variant 0) through the real daemon in the lab, decapsulated by the
 * backends' tc-BPF program: the VIP 192.0.2.12 with weights 2:3:1 (be2 heaviest) under the smoke
 * tests of {@link LbSmokeTestBase}. The full battery runs for IPIP ({@link LbIpipSystemTest}).
 */
class LbGueSystemTest extends LbSmokeTestBase
{
    private static final LbConfig.Service GUE = LbConfig.Service.of("192.0.2.12", "gue", 2, 3, 1);

    @RegisterExtension
    static final LabLoadBalancer LB = new LabLoadBalancer(LbConfig.of(GUE));

    @Override
    LabLoadBalancer lb()
    {
        return LB;
    }

    @Override
    LbConfig.Service service()
    {
        return GUE;
    }

    @Override
    String spareVip()
    {
        return "192.0.2.10";
    }
}
