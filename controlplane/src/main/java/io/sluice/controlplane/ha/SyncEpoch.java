package io.sluice.controlplane.ha;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The sync epoch of this run, larger than the last run's even when the wall clock stepped back: peers
 * refuse a sender whose epoch is below the one they last saw from it (a stale restart), so an epoch
 * taken from the clock alone would keep this LB out until its old start time came round again.
 * <p>
 * The last epoch is kept in a small state file ({@code sync.stateFile}, one decimal number). The new
 * epoch is {@code max(last + 1, now)} in milliseconds, written to a temporary file beside the state
 * file, synced, then renamed over it before the agent starts: a crash leaves the old epoch or the new
 * one, never a torn file.
 * <p>
 * A state file whose text is not a positive number (edited by hand, a disk fault) is logged and
 * replaced: the epoch is then {@code max(file's last-modified + 1, now)}, as that time comes from the
 * same clock at the previous start. Refusing to start would keep the LB down for a value the operator
 * cannot recover either, while the fallback is right whenever the clock did not step back. A file
 * that cannot be read or written at all (permissions, a missing volume) is a start error: without it
 * the next restart would have no protection, and the operator can fix the cause.
 */
public final class SyncEpoch
{
    private static final System.Logger LOG = System.getLogger("sluice.sync");

    private SyncEpoch()
    {
    }

    /**
     * Takes the epoch of this run and records it in the state file.
     *
     * @param stateFile the state file; its directory is created when missing.
     * @param nowMs     the wall clock now, in milliseconds since 1970.
     * @return the epoch: above the recorded one, and at least {@code nowMs}.
     * @throws IllegalStateException when the file cannot be read or written, naming it and {@code sync.stateFile}.
     */
    public static long next(final Path stateFile, final long nowMs)
    {
        final long last = last(stateFile);
        final long epoch = Math.max(Math.max(last + 1, nowMs), 1);
        write(stateFile, epoch);
        return epoch;
    }

    private static long last(final Path stateFile)
    {
        final String text;
        try
        {
            text = Files.readString(stateFile, StandardCharsets.US_ASCII);
        }
        catch (final NoSuchFileException ex)
        {
            return 0;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(failure("cannot read", stateFile, ex));
        }
        try
        {
            final long last = Long.parseLong(text.strip());
            if (last > 0)
            {
                return last;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // falls through to the file's time
        }
        final long modifiedMs = modifiedMs(stateFile);
        LOG.log(System.Logger.Level.WARNING, "sync state file {0} does not hold an epoch (a positive number): taking the " +
            "later of the clock and the file''s last change ({1} ms), and rewriting it", stateFile, modifiedMs);
        return modifiedMs;
    }

    private static long modifiedMs(final Path stateFile)
    {
        try
        {
            return Files.getLastModifiedTime(stateFile).toMillis();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(failure("cannot read", stateFile, ex));
        }
    }

    private static void write(final Path stateFile, final long epoch)
    {
        final Path directory = stateFile.toAbsolutePath().getParent();
        final Path temporary = directory.resolve(stateFile.getFileName() + ".tmp");
        try
        {
            Files.createDirectories(directory);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                final ByteBuffer bytes = ByteBuffer.wrap((epoch + "\n").getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining())
                {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            move(temporary, stateFile);
            syncDirectory(directory);
        }
        catch (final IOException ex)
        {
            try
            {
                Files.deleteIfExists(temporary);
            }
            catch (final IOException ignored)
            {
                // the write's failure is the one to report
            }
            throw new IllegalStateException(failure("cannot write", stateFile, ex));
        }
    }

    private static void move(final Path from, final Path to) throws IOException
    {
        try
        {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename durable; where a directory cannot be opened for that (not Linux), the rename stands unsynced. */
    private static void syncDirectory(final Path directory)
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ignored)
        {
            // best effort: the file itself was synced before the rename
        }
    }

    private static String failure(final String what, final Path stateFile, final IOException ex)
    {
        return what + " the sync state file " + stateFile + " (" + ex.getClass().getSimpleName() + ": " + ex.getMessage() +
            "): it keeps the epoch that makes peers take this LB's flows after a restart; fix its directory's " +
            "permissions or set sync.stateFile to a writable path";
    }
}
