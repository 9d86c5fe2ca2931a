package io.sluice.bench.report;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
