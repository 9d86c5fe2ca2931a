package io.sluice.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Direct server return through the real daemon in the lab: the IPv4 VIP 192.0.2.10 with weights
 * 3:1:2 (be1 heaviest, so a bug that ignores the order of the backends shows) under the smoke tests
 * of {@link LbSmokeTestBase}, and the IPv6 VIP 2001:db8:100::10 (weights 1:1:1) end to end. The
 * full battery runs for IPIP ({@link LbIpipSystemTest}).
 */
class LbDsrSystemTest extends LbSmokeTestBase
{
    private static final LbConfig.Service DSR_IPV4 = LbConfig.Service.of("192.0.2.10", "dsr", 3, 1, 2);
    private static final LbConfig.Service DSR_IPV6 = LbConfig.Service.of("2001:db8:100::10", "dsr", 1, 1, 1);
    private static final int IPV6_CONNECTIONS = 300;

    @RegisterExtension
    static final LabLoadBalancer LB = new LabLoadBalancer(LbConfig.of(DSR_IPV4, DSR_IPV6));

    @Override
    LabLoadBalancer lb()
    {
        return LB;
    }

    @Override
    LbConfig.Service service()
    {
        return DSR_IPV4;
    }

    @Override
    String spareVip()
    {
        return "192.0.2.12";
    }

    @Test
    void shouldAnswerEveryConnectionFromEveryBackendWhenTheVipIsIpv6() throws Exception
    {
        final VipClient.Batch batch =
            VipClient.concurrently(DSR_IPV6.vipAddress(), DSR_IPV6.port(), IPV6_CONNECTIONS, PARALLEL_CLIENTS, TIMEOUT);

        assertEquals(0, batch.failures().size(), "failed requests: " + batch.failures());
        assertEquals(IPV6_CONNECTIONS, batch.answers().size());
        for (final VipClient.Answer answer : batch.answers())
        {
            assertClient(DSR_IPV6, answer.localPort(), answer.client());
        }
        assertEquals(LabTopology.BACKEND_COUNT, batch.perBackend().size(), "every backend answered: " + batch.perBackend());
        WeightedShares.assertProportional(DSR_IPV6, batch.perBackend(), "new IPv6 connections");
    }
}
