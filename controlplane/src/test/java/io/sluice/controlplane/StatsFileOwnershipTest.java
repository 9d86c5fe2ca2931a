package io.sluice.controlplane;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.dataplane.stats.StatsFile;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsFileOwnershipTest
{
    @TempDir
    Path directory;

    @Test
    void shouldRefuseToReplaceAFileThatIsNotAStatsFile() throws Exception
    {
        final Path path = directory.resolve("hostname");
        Files.writeString(path, "precious\n");

        final String refusal = StatsFileOwnership.refusal(path);

        assertTrue(refusal != null && refusal.contains("is not a Sluice stats file"), refusal);
    }

    @Test
    void shouldAllowAMissingFileAndAStatsFileOfThisProcess() throws Exception
    {
        final Path path = directory.resolve("sluice.stats");
        assertNull(StatsFileOwnership.refusal(path));
        try (StatsFile ignored = StatsFile.create(path, 1))
        {
            assertNull(StatsFileOwnership.refusal(path), "written by this pid: a restart in one JVM may reuse it");
        }
    }

    @Test
    void shouldRefuseADirectory()
    {
        final String refusal = StatsFileOwnership.refusal(directory);
        assertTrue(refusal != null && refusal.contains("not a regular file"), refusal);
    }
}
