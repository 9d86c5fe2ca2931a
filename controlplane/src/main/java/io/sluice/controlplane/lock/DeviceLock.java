package io.sluice.controlplane.lock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes a daemon the only one on its device: an exclusive lock ({@code fcntl}, through
 * {@link FileChannel#tryLock()}) on a lock file named after the device, holding the owner's pid.
 * The kernel releases the lock when the process ends, however it ends, so a crashed daemon never
 * blocks the next one. The file itself stays: deleting a lock file while others may open it would
 * let two daemons lock two different files.
 */
public final class DeviceLock implements AutoCloseable
{
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DeviceLock(final Path file, final FileChannel channel, final FileLock lock)
    {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, or says who holds it.
     *
     * @param file   the lock file; its directory is created when missing.
     * @param device the device, for messages.
     * @return the held lock.
     * @throws DeviceBusyException when another process holds it, naming its pid.
     * @throws IOException         when the file cannot be created or locked.
     */
    public static DeviceLock acquire(final Path file, final String device) throws IOException, DeviceBusyException
    {
        Files.createDirectories(file.getParent());
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        try
        {
            final FileLock lock = tryLock(channel);
            if (lock == null)
            {
                final String holder = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
                throw new DeviceBusyException("device " + device + " is in use by another sluice daemon (pid " +
                    (holder.isEmpty() ? "unknown" : holder) + ", lock " + file + "); stop it first, or use another device");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new DeviceLock(file, channel, lock);
        }
        catch (final IOException | DeviceBusyException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    private static FileLock tryLock(final FileChannel channel) throws IOException
    {
        try
        {
            return channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            return null;
        }
    }

    /**
     * The lock file.
     *
     * @return its path.
     */
    public Path file()
    {
        return file;
    }

    /**
     * Releases the lock; the file stays, empty.
     *
     * @throws IOException when the lock cannot be released.
     */
    @Override
    public void close() throws IOException
    {
        try
        {
            channel.truncate(0);
            lock.release();
        }
        finally
        {
            channel.close();
        }
    }

    /**
     * Another process holds the device's lock.
     */
    public static final class DeviceBusyException extends Exception
    {
        private static final long serialVersionUID = 1L;

        /**
         * @param message names the device, the holder's pid and the lock file.
         */
        public DeviceBusyException(final String message)
        {
            super(message);
        }
    }
}
