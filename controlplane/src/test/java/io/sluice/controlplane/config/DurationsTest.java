package io.sluice.controlplane.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest
{
    @Test
    void shouldParseEveryUnitWhenGivenAWholeNumber()
    {
        assertEquals(500_000_000L, Durations.parseNs("500ms"));
        assertEquals(30_000_000_000L, Durations.parseNs("30s"));
        assertEquals(300_000_000_000L, Durations.parseNs("5m"));
        assertEquals(3_600_000_000_000L, Durations.parseNs("1h"));
        assertEquals(0L, Durations.parseNs("0s"));
    }

    @Test
    void shouldRejectTextWhenTheUnitIsMissingOrUnknownOrTheNumberNotWhole()
    {
        for (final String text : new String[]{"30", "1d", "-1s", "1.5s", "s", "", "10 s"})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Durations.parseNs(text));
            assertEquals("'" + text + "' is not a duration such as 200us, 500ms, 30s, 5m or 1h", ex.getMessage());
        }
    }

    @Test
    void shouldFormatInTheLargestExactUnit()
    {
        assertEquals("2h", Durations.format(7_200_000_000_000L));
        assertEquals("90s", Durations.format(90_000_000_000L));
        assertEquals("5m", Durations.format(300_000_000_000L));
        assertEquals("1500ms", Durations.format(1_500_000_000L));
        assertEquals("0s", Durations.format(0));
        assertEquals("7ns", Durations.format(7));
        assertEquals("200us", Durations.format(200_000));
    }

    @Test
    void shouldReadMicrosecondsForTheDurationsThatNeedThem()
    {
        assertEquals(200_000, Durations.parseNs("200us"));
        assertEquals(200_000, Durations.parseNs(Durations.format(200_000)), "what it writes it reads");
    }
}
