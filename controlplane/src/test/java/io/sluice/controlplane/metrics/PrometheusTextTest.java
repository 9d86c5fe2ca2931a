package io.sluice.controlplane.metrics;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test parser is strict: it accepts the format and nothing else, so the endpoint tests fail on
 * output Prometheus would reject.
 */
class PrometheusTextTest
{
    @Test
    void shouldParseFamiliesLabelsEscapesAndSummariesWhenWellFormed()
    {
        final Map<String, PrometheusText.Family> families = PrometheusText.parse("""
            # HELP a_total Counts \\\\ things\\nin two lines.
            # TYPE a_total counter
            a_total{x="1",y="q\\"uote\\\\n"} 3.0
            a_total 1e3
            # TYPE s summary
            s{quantile="0.5"} NaN
            s_count 2
            s_sum +Inf 1700000000000
            """);

        assertEquals(List.of("a_total", "s"), List.copyOf(families.keySet()));
        assertEquals("Counts \\ things\nin two lines.", families.get("a_total").help());
        assertEquals(new PrometheusText.Sample("a_total", Map.of("x", "1", "y", "q\"uote\\n"), 3.0),
            families.get("a_total").samples().get(0));
        assertEquals(1000.0, families.get("a_total").samples().get(1).value());
        assertEquals(3, families.get("s").samples().size());
        assertTrue(Double.isNaN(families.get("s").samples().getFirst().value()));
    }

    @Test
    void shouldRejectWhatTheFormatDoesNotAllow()
    {
        final List<String> bad = List.of(
            "a 1\n",
            "# TYPE a counter\nb 1\n",
            "# TYPE a counter\na{x=\"1\"} 1\na{x=\"1\"} 2\n",
            "# TYPE a counter\n# TYPE a counter\n",
            "# TYPE a counter\na{x=\"1} 1\n",
            "# TYPE a counter\na{1x=\"1\"} 1\n",
            "# TYPE a counter\na{x=\"\\t\"} 1\n",
            "# TYPE a counter\na  1\n",
            "# TYPE a counter\na one\n",
            "# TYPE a counter\na 1",
            "# TYPE a counter\n\na 1\n",
            "# TYPE a gauge\na_sum 1\n",
            "# TYPE a widget\n",
            "# comment\n");
        for (final String text : bad)
        {
            assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(text), text);
        }
    }
}
