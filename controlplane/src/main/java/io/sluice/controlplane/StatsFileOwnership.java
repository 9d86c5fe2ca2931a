package io.sluice.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import io.sluice.dataplane.stats.StatsFile;

/**
 * Whether a daemon may make its stats file at a path: never over a file that is not a Sluice stats
 * file (the daemon runs as root and deletes the file when it stops), nor over the live file of
 * another daemon. A stats file left by a daemon that died is replaced.
 */
final class StatsFileOwnership
{
    private StatsFileOwnership()
    {
    }

    /**
     * @return why the path must not be used, or null when it may.
     */
    static String refusal(final Path path)
    {
        if (!Files.exists(path))
        {
            return null;
        }
        if (!Files.isRegularFile(path))
        {
            return "stats.file " + path + " exists and is not a regular file; choose another path";
        }
        try (StatsFile existing = StatsFile.open(path))
        {
            final long pid = existing.pid();
            if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            {
                return "stats.file " + path + " belongs to the running Sluice daemon pid " + pid +
                    "; give each daemon its own stats.file";
            }
            return null;
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            return "stats.file " + path + " exists and is not a Sluice stats file (" + ex.getMessage() +
                "); refusing to replace it: choose another path or remove it";
        }
    }

    /**
     * @return the file's identity (device and inode), or null when it does not exist.
     */
    static Object fileKey(final Path path) throws IOException
    {
        try
        {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
    }
}
