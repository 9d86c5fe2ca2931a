package io.sluice.bench.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command: the PNGs it writes and what it says when it cannot. */
class BenchReportTest
{
    private static final byte[] PNG_MAGIC = {(byte)0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldWriteOnePngPerChartAndPrintTheirPaths() throws IOException
    {
        final Path e2e = write("e2e.json", Fixtures.E2E);
        final Path jmh = write("jmh.json", Fixtures.JMH);
        final Path charts = dir.resolve("charts");

        final int status = run("--e2e", e2e.toString(), "--jmh", jmh.toString(), "--out", charts.toString());

        assertEquals(0, status, err.toString());
        final List<String> names = List.of(ReportCharts.THROUGHPUT, ReportCharts.LATENCY, ReportCharts.PROFILE,
            ReportCharts.SCALE_FLOWS, ReportCharts.SCALE_BACKENDS, ReportCharts.MAGLEV_BUILD);
        for (final String name : names)
        {
            final Path png = charts.resolve(name);
            assertTrue(out.toString().contains(png.toString()), out.toString());
            final byte[] bytes = Files.readAllBytes(png);
            assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, PNG_MAGIC.length), name);
            final BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(ChartRenderer.WIDTH, image.getWidth(), name);
            assertTrue(image.getHeight() >= ChartRenderer.HEIGHT, name + ": " + image.getHeight());
            assertTrue(colours(image) > 4, name + " is not blank");
        }
        try (var files = Files.list(charts))
        {
            assertEquals(names.size(), files.count());
        }
    }

    /**
     * Two files drawn together give the throughput chart ten legend lines (six series, four testpmd
     * ceilings): one per row under the plot, the PNG taller by a row each, and no legend text running off
     * the image's sides (a single horizontal row did: its first and last entries were cut).
     */
    @Test
    void shouldGiveEachLegendLineARowWhenTwoFilesAreDrawnTogether() throws IOException
    {
        final Path a = write("e2e-a.json", Fixtures.E2E);
        final Path b = write("e2e-b.json", Fixtures.E2E);
        final Path charts = dir.resolve("charts");

        assertEquals(0, run("--e2e", a.toString(), "--e2e", b.toString(), "--no-jmh", "--out", charts.toString()), err.toString());

        final BufferedImage image = ImageIO.read(charts.resolve(ReportCharts.THROUGHPUT).toFile());
        assertEquals(ChartRenderer.HEIGHT + 10 * ChartRenderer.LEGEND_ROW, image.getHeight());
        final int legendTop = image.getHeight() - 10 * ChartRenderer.LEGEND_ROW;
        for (final int column : new int[]{0, 1, image.getWidth() - 2, image.getWidth() - 1})
        {
            for (int y = legendTop; y < image.getHeight(); y++)
            {
                assertEquals(0xffffffff, image.getRGB(column, y), "legend ink at the edge, column " + column + " row " + y);
            }
        }
        final BufferedImage lastRow = image.getSubimage(0, image.getHeight() - 2 * ChartRenderer.LEGEND_ROW, image.getWidth(),
            2 * ChartRenderer.LEGEND_ROW);
        assertTrue(colours(lastRow) > 2, "the last legend line is drawn");
    }

    @Test
    void shouldDrawTwoFilesOfTheSameNameWithTheSecondsSeriesMarked() throws IOException
    {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        final Path a = Files.writeString(dir.resolve("a/e2e.json"), Fixtures.E2E);
        final Path b = Files.writeString(dir.resolve("b/e2e.json"), Fixtures.E2E);

        assertEquals(0, run("--e2e", a.toString(), "--e2e", b.toString(), "--no-jmh", "--out", dir.resolve("charts").toString()),
            err.toString());
        assertTrue(Files.exists(dir.resolve("charts").resolve(ReportCharts.THROUGHPUT)));
    }

    @Test
    void shouldRefuseNoJmhTogetherWithAJmhFile() throws IOException
    {
        final Path jmh = write("jmh.json", Fixtures.JMH);

        assertEquals(2, run("--no-jmh", "--jmh", jmh.toString(), "--out", dir.resolve("charts").toString()));
        assertTrue(err.toString().startsWith("sluice bench report: --no-jmh and --jmh"), err.toString());
        assertFalse(Files.exists(dir.resolve("charts")));
    }

    @Test
    void shouldWriteNothingAndSayWhichScoreWhenAJmhScoreIsGivenTwice() throws IOException
    {
        final Path e2e = write("e2e.json", Fixtures.E2E);
        final Path jmh = write("jmh.json", Fixtures.JMH);

        assertEquals(1, run("--e2e", e2e.toString(), "--jmh", jmh.toString(), "--jmh", jmh.toString(), "--out",
            dir.resolve("charts").toString()));
        assertTrue(err.toString().contains("has more than one score"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertFalse(Files.exists(dir.resolve("charts")), "no chart written when one of them cannot be drawn");
    }

    @Test
    void shouldNameTheChartsOfAnEarlierRunThatThisOneDidNotRedraw() throws IOException
    {
        final Path e2e = write("e2e.json", Fixtures.E2E);
        final Path charts = Files.createDirectories(dir.resolve("charts"));
        Files.write(charts.resolve(ReportCharts.MAGLEV_BUILD), new byte[]{1});

        assertEquals(0, run("--e2e", e2e.toString(), "--no-jmh", "--out", charts.toString()), err.toString());
        assertTrue(out.toString().contains("left from an earlier run, not redrawn: " + charts.resolve(ReportCharts.MAGLEV_BUILD)),
            out.toString());
    }

    @Test
    void shouldFailWithAClearMessageAndNoStackTraceWhenANamedFileIsMissing()
    {
        final Path missing = dir.resolve("nothing.json");

        final int status = run("--e2e", missing.toString(), "--no-jmh", "--out", dir.resolve("charts").toString());

        assertEquals(1, status);
        assertEquals("sluice bench report: " + missing.toAbsolutePath() + " does not exist", err.toString().strip());
        assertFalse(Files.exists(dir.resolve("charts")), "nothing written");
    }

    @Test
    void shouldFailWithAClearMessageAndNoStackTraceWhenAFileIsMalformed() throws IOException
    {
        final Path jmh = write("jmh.json", "[{\"benchmark\":\"a.B.c\",\"params\":{},\"primaryMetric\":{\"score\":1}}]");

        final int status = run("--e2e", write("e2e.json", Fixtures.E2E).toString(), "--jmh", jmh.toString(),
            "--out", dir.resolve("charts").toString());

        assertEquals(1, status);
        assertEquals("sluice bench report: " + jmh + ", [0] primaryMetric has no scoreError", err.toString().strip());
    }

    @Test
    void shouldFailWhenThereIsNothingToDraw() throws IOException
    {
        final int status = run("--e2e", write("other.json", "{\"kind\":\"scaling\"}").toString(), "--no-jmh",
            "--out", dir.resolve("charts").toString());

        assertEquals(1, status);
        assertTrue(out.toString().contains("'scaling' ignored"), out.toString());
        assertEquals("sluice bench report: nothing to draw", err.toString().strip());
    }

    private int run(final String... args)
    {
        final CommandLine command = new CommandLine(new BenchReport());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    private Path write(final String name, final String text) throws IOException
    {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static long colours(final BufferedImage image)
    {
        return Arrays.stream(image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth())).distinct().count();
    }
}
