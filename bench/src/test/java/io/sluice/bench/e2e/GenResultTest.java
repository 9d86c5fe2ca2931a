package io.sluice.bench.e2e;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fields the end-to-end benchmark takes from a {@code sluice gen --json} summary. */
class GenResultTest
{
    private static final String SUMMARY = "{\"txPackets\":39547776,\"rxPackets\":39545984,\"lostPackets\":1792," +
        "\"lossPercent\":0.0045,\"txBytes\":2768344320,\"rxBytes\":3559138560,\"sendNs\":8000000364,\"txMpps\":4.9435," +
        "\"rxMpps\":4.9432,\"newFlows\":0,\"latencyUs\":{\"count\":39545984,\"p50\":189.6950,\"p90\":240.1270,\"p99\":323.0710," +
        "\"p99.9\":4104.1910,\"max\":16220.1590,\"mean\":210.9142},\"backends\":[{\"name\":\"172.17.0.44\",\"packets\":751372," +
        "\"share\":0.0190},{\"name\":\"172.17.0.38\",\"packets\":672275,\"share\":0.0170}],\"drops\":{\"tx-refused\":12}," +
        "\"mbufsInUseAtEnd\":0,\"mbufsLeaked\":0}\n";

    @Test
    void shouldTakeRatesLossLatencyPercentilesAndBackendsFromTheSummary()
    {
        final GenResult result = GenResult.parse(SUMMARY);

        assertEquals(4.9435, result.txMpps());
        assertEquals(4.9432, result.rxMpps());
        assertEquals(0.0045, result.lossPercent());
        assertEquals(189.695, result.p50Us(), "p50 of latencyUs, not another p50");
        assertEquals(323.071, result.p99Us(), "p99, not p99.9");
        assertEquals(4104.191, result.p999Us());
        assertEquals(2, result.backends());
        assertTrue(result.json().endsWith("\"mbufsLeaked\":0}"), "the whole summary is kept, stripped");
    }

    @Test
    void shouldNameTheMissingFieldWhenTheSummaryIsNotTheGenerators()
    {
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> GenResult.parse("{\"txMpps\":1.0,\"latencyUs\":{\"p50\":1},\"backends\":[]}"));
        assertTrue(missing.getMessage().startsWith("the generator's summary has no rxMpps"), missing.getMessage());
    }
}
