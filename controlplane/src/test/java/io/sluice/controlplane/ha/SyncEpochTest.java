package io.sluice.controlplane.ha;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sync epoch across restarts: it grows at every start whatever the wall clock does.
 */
class SyncEpochTest
{
    @TempDir
    Path directory;

    @Test
    void shouldTakeTheClockAndRecordItWhenNoStateFileExists() throws Exception
    {
        final Path file = directory.resolve("state/sync-1.epoch");

        assertEquals(1_000_000L, SyncEpoch.next(file, 1_000_000L));

        assertEquals("1000000\n", Files.readString(file), "the directory is made");
        assertFalse(Files.exists(directory.resolve("state/sync-1.epoch.tmp")), "no temporary file is left");
    }

    @Test
    void shouldGrowPastTheLastEpochWhenTheClockSteppedBack() throws Exception
    {
        final Path file = directory.resolve("sync-1.epoch");
        Files.writeString(file, "5000000\n");

        assertEquals(5_000_001L, SyncEpoch.next(file, 1_000_000L));
        assertEquals(5_000_002L, SyncEpoch.next(file, 1_000_000L), "and again at the next start");
        assertEquals("5000002\n", Files.readString(file));
    }

    @Test
    void shouldTakeTheClockWhenItIsPastTheLastEpoch() throws Exception
    {
        final Path file = directory.resolve("sync-1.epoch");
        Files.writeString(file, "5000000");

        assertEquals(9_000_000L, SyncEpoch.next(file, 9_000_000L));
        assertEquals("9000000\n", Files.readString(file));
    }

    @Test
    void shouldFallBackToTheFilesTimeAndRewriteItWhenTheFileIsCorrupt() throws Exception
    {
        final Path file = directory.resolve("sync-1.epoch");
        for (final String corrupt : new String[]{"", "garbage\n", "-5\n", "0\n", "12 34\n"})
        {
            Files.writeString(file, corrupt);
            Files.setLastModifiedTime(file, FileTime.fromMillis(20_000_000L));

            assertEquals(20_000_001L, SyncEpoch.next(file, 1_000_000L), "'" + corrupt + "'");
            assertEquals("20000001\n", Files.readString(file));
        }
    }

    @Test
    void shouldRefuseToStartAndKeepTheLastEpochWhenTheFileCannotBeWritten() throws Exception
    {
        final Path file = directory.resolve("sync-1.epoch");
        Files.writeString(file, "5000000\n");
        Files.writeString(Files.createDirectory(directory.resolve("sync-1.epoch.tmp")).resolve("in-the-way"), "x");

        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> SyncEpoch.next(file, 1_000_000L));

        assertTrue(ex.getMessage().startsWith("cannot write the sync state file " + file), ex.getMessage());
        assertTrue(ex.getMessage().contains("set sync.stateFile to a writable path"), ex.getMessage());
        assertEquals("5000000\n", Files.readString(file), "the last epoch stays");
    }

    @Test
    void shouldRefuseToStartWhenTheStateFileIsADirectory() throws Exception
    {
        final Path file = Files.createDirectory(directory.resolve("sync-1.epoch"));

        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> SyncEpoch.next(file, 1_000_000L));

        assertTrue(ex.getMessage().startsWith("cannot read the sync state file " + file), ex.getMessage());
    }
}
