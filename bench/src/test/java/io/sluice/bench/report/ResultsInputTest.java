package io.sluice.bench.report;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Results the report cannot use: each gives a {@link ReportInputException} that says what and where. */
class ResultsInputTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSayTheFileDoesNotExistWhenItIsMissing()
    {
        final Path missing = dir.resolve("none.json");

        assertMessage(() -> E2eResults.read(missing), missing.toAbsolutePath() + " does not exist");
        assertMessage(() -> JmhResults.read(missing), missing.toAbsolutePath() + " does not exist");
    }

    @Test
    void shouldSayTheFileIsNotJsonWhenItIsCutShort()
    {
        assertMessage(() -> E2eResults.parse("{\"results\":[{\"kind\":\"ceiling\",", "cut.json"), "cut.json is not JSON");
        assertMessage(() -> JmhResults.parse("[{\"benchmark\":", "cut.json"), "cut.json is not JSON");
        assertMessage(() -> E2eResults.parse("", "empty.json"), "empty.json is empty");
    }

    @Test
    void shouldNameTheEntryAndFieldWhenAPointLacksOne()
    {
        assertMessage(() -> E2eResults.parse("{\"results\":[{\"kind\":\"ceiling\",\"forward\":\"io\",\"rxMpps\":6}," +
            "{\"kind\":\"sluice\",\"mode\":\"ipip\",\"flows\":\"1k\",\"newFlowsPercent\":0}]}", "e.json"), "e.json, results[1] has no rxMpps");
        assertMessage(() -> E2eResults.parse("{\"results\":[{\"kind\":\"sluice\",\"mode\":\"ipip\",\"flows\":\"lots\"," +
            "\"newFlowsPercent\":0,\"rxMpps\":1}]}", "e.json"), "e.json, results[0]: flows 'lots' is not a whole count");
        assertMessage(() -> E2eResults.parse("{\"results\":[{\"kind\":\"ceiling\",\"forward\":\"io\",\"rxMpps\":\"fast\"}]}", "e.json"),
            "e.json, results[0]: rxMpps is not a number");
        assertMessage(() -> E2eResults.parse("{\"date\":\"x\"}", "e.json"), "e.json has no array results");
    }

    @Test
    void shouldSayInOneLineWhatIsWrongWithMalformedOrBinaryFiles() throws java.io.IOException
    {
        final ReportInputException malformed = assertThrows(ReportInputException.class,
            () -> E2eResults.parse("{\"results\": [1 2]}", "bad.json"));
        assertTrue(malformed.getMessage().startsWith("bad.json is not JSON: "), malformed.getMessage());
        assertEquals(1, malformed.getMessage().lines().count(), malformed.getMessage());
        assertFalse(malformed.getMessage().contains("com.google.gson"), malformed.getMessage());

        final Path png = java.nio.file.Files.write(dir.resolve("chart.png"), new byte[]{(byte)0x89, 'P', 'N', 'G', (byte)0xff, (byte)0xfe});
        assertMessage(() -> E2eResults.read(png), png.toAbsolutePath() + " is not a text (UTF-8) file");
    }

    @Test
    void shouldRefuseNumbersThatAreNotFiniteButTakeJmhsNaNScoreError()
    {
        assertMessage(() -> E2eResults.parse("{\"results\":[{\"kind\":\"ceiling\",\"forward\":\"io\",\"rxMpps\":\"NaN\"}]}", "e.json"),
            "e.json, results[0]: rxMpps is not a finite number");
        assertMessage(() -> E2eResults.parse("{\"results\":[{\"kind\":\"ceiling\",\"forward\":\"io\",\"rxMpps\":\"Infinity\"}]}",
            "e.json"), "e.json, results[0]: rxMpps is not a finite number");
        assertTrue(Double.isNaN(JmhResults.parse(Fixtures.JMH.replaceFirst("\"scoreError\" *: *[0-9.]+", "\"scoreError\": \"NaN\""),
            "j.json").scores().get(0).scoreError()));
    }

    @Test
    void shouldLeaveOutTheLatencyOfAPacedRunThatTimedNothing()
    {
        final String point = "{\"results\":[{\"kind\":\"sluice\",\"mode\":\"ipip\",\"flows\":\"1k\",\"newFlowsPercent\":0," +
            "\"rxMpps\":1,\"latency\":{\"latencyUs\":{\"count\":COUNT,\"p50\":0,\"p99\":0,\"p99.9\":0}}}]}";
        assertNull(E2eResults.parse(point.replace("COUNT", "0"), "e.json").points().get(0).latency());
        assertEquals(new E2eResults.Latency(0, 0, 0), E2eResults.parse(point.replace("COUNT", "5"), "e.json").points().get(0).latency());
    }

    @Test
    void shouldSayAFileIsNotJmhsWhenGivenEndToEndResults()
    {
        assertMessage(() -> JmhResults.parse(Fixtures.E2E, "e2e.json"), "e2e.json is not JMH's JSON");
        assertMessage(() -> JmhResults.parse("[{\"benchmark\":\"X.y\"}]", "j.json"), "j.json, [0] primaryMetric is not a JSON object");
    }

    private static void assertMessage(final org.junit.jupiter.api.function.Executable read, final String start)
    {
        final ReportInputException ex = assertThrows(ReportInputException.class, read);
        assertTrue(ex.getMessage().startsWith(start), ex.getMessage());
    }
}
