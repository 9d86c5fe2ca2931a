package io.sluice.bench.gen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenSummaryTest
{
    private static GenSummary summary()
    {
        final Histogram latency = LatencyRecorder.newHistogram();
        latency.recordValueWithCount(1000, 3);
        latency.recordValue(2000);
        final Map<String, Long> drops = new LinkedHashMap<>();
        drops.put("tx-refused", 7L);
        drops.put("rx-no-magic", 2L);
        return new GenSummary(5, 4, 350, 430, 2_000_000_000L, 1, latency,
            List.of(new BackendTable.Count("172.17.0.1", 3), new BackendTable.Count("be \"2\"", 1)), drops, 12, 0);
    }

    @Test
    void shouldWriteOneJsonObjectWithEveryFigure()
    {
        assertEquals("{\"txPackets\":5,\"rxPackets\":4,\"lostPackets\":1,\"lossPercent\":20.0000,\"txBytes\":350,\"rxBytes\":430," +
            "\"sendNs\":2000000000,\"txMpps\":0.0000,\"rxMpps\":0.0000,\"newFlows\":1," +
            "\"latencyUs\":{\"count\":4,\"p50\":1.0000,\"p90\":2.0000,\"p99\":2.0000,\"p99.9\":2.0000,\"max\":2.0000,\"mean\":1.2500}," +
            "\"backends\":[{\"name\":\"172.17.0.1\",\"packets\":3,\"share\":0.7500},{\"name\":\"be \\\"2\\\"\",\"packets\":1,\"share\":0.2500}]," +
            "\"drops\":{\"tx-refused\":7,\"rx-no-magic\":2},\"mbufsInUseAtEnd\":12,\"mbufsLeaked\":0}", summary().json());
    }

    @Test
    void shouldSayLossLatencyBackendsAndDropsInText()
    {
        final String text = summary().text();

        assertTrue(text.contains("lost      1 packets (20.0000%)"), text);
        assertTrue(text.contains("latency   µs: p50 1.0  p90 2.0  p99 2.0  p99.9 2.0  max 2.0  mean 1.3  (4 packets)"), text);
        assertTrue(text.contains("  172.17.0.1 ") && text.contains(" 75.00%"), text);
        assertTrue(text.contains("drops\n  tx-refused"), text);
        assertTrue(text.contains("mbufs     12 in use when the loop stopped, 0 after the ports closed (leaked)"), text);
    }
}
