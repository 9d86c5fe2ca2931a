package io.sluice.controlplane.api;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import io.sluice.controlplane.lock.DeviceLock;

/**
 * The file of the API's Unix domain socket, whose permissions are what keeps other users out: its
 * directory is made {@code 0700} ({@code 0750} with a group) when it does not exist, a socket left
 * by a daemon that died is removed, a live one (another daemon answers on it) or a file that is not
 * a socket is refused, the bound socket is made {@code 0600} ({@code 0660} and the group's with a
 * group), and {@link #close} removes it when it is still the one this daemon made.
 */
final class ApiSocket implements AutoCloseable
{
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_AND_GROUP = PosixFilePermissions.fromString("rw-rw----");
    private static final Set<PosixFilePermission> DIRECTORY_OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> DIRECTORY_OWNER_AND_GROUP = PosixFilePermissions.fromString("rwxr-x---");

    private final Path path;
    private final String group;
    private final DeviceLock lock;
    private Object fileKey;

    private ApiSocket(final Path path, final String group, final DeviceLock lock)
    {
        this.path = path;
        this.group = group;
        this.lock = lock;
    }

    /**
     * Makes the path ready to bind: the directory exists, nothing is in the way.
     *
     * @param path  the socket's path.
     * @param group the group that may connect too, or null.
     * @return the socket file, not yet bound.
     * @throws IOException naming the path and what is wrong: a live daemon holds it, it is not a
     *                     socket, the directory cannot be made.
     */
    static ApiSocket prepare(final Path path, final String group) throws IOException
    {
        final Path directory = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory))
        {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, group == null ? DIRECTORY_OWNER_ONLY : DIRECTORY_OWNER_AND_GROUP);
            if (group != null)
            {
                setGroup(directory, group);
            }
        }
        final DeviceLock lock;
        try
        {
            lock = DeviceLock.acquire(Path.of(path + ".lock"), "API socket " + path);
        }
        catch (final DeviceLock.DeviceBusyException ex)
        {
            throw new IOException("another process serves on the socket " + path + " (another sluice daemon holds " + path +
                ".lock; give this one its own api.socket)", ex);
        }
        try
        {
            removeStale(path);
            return new ApiSocket(path, group, lock);
        }
        catch (final IOException | RuntimeException ex)
        {
            lock.close();
            throw ex;
        }
    }

    /**
     * Removes what a daemon that died left at the path. The lock held makes the check and the
     * removal one step for daemons; a live socket of another program is still refused.
     */
    private static void removeStale(final Path path) throws IOException
    {
        final BasicFileAttributes attributes;
        try
        {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final NoSuchFileException ex)
        {
            return;
        }
        if (!attributes.isOther())
        {
            throw new IOException(path + " exists and is not a socket; it was left alone (remove it, or set api.socket to " +
                "another path)");
        }
        if (live(path))
        {
            throw new IOException("another process serves on the socket " + path + " (is another sluice daemon running? " +
                "give this one its own api.socket)");
        }
        Files.delete(path);
    }

    private static boolean live(final Path path) throws IOException
    {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            channel.connect(UnixDomainSocketAddress.of(path));
            return true;
        }
        catch (final ConnectException ex)
        {
            return false;
        }
    }

    private static void setGroup(final Path file, final String group) throws IOException
    {
        final GroupPrincipal principal = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(principal);
    }

    /**
     * Gives the bound socket its permissions and remembers which file it is.
     *
     * @throws IOException when the permissions cannot be set.
     */
    void restrict() throws IOException
    {
        fileKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        Files.setPosixFilePermissions(path, group == null ? OWNER_ONLY : OWNER_AND_GROUP);
        if (group != null)
        {
            setGroup(path, group);
        }
    }

    /**
     * The socket's path.
     *
     * @return the path.
     */
    Path path()
    {
        return path;
    }

    /**
     * Who may connect, for the log.
     *
     * @return e.g. {@code 0600, root only} or {@code 0660, group sluice-ops}.
     */
    String access()
    {
        return group == null ? "0600, only its owner may connect" : "0660, its owner and group " + group + " may connect";
    }

    /**
     * Removes the socket file when it is still the one {@link #restrict} saw (not one another daemon
     * made since).
     */
    @Override
    public void close()
    {
        try
        {
            if (fileKey != null &&
                fileKey.equals(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey()))
            {
                Files.delete(path);
            }
        }
        catch (final IOException ex)
        {
            fileKey = null;
        }
        finally
        {
            try
            {
                lock.close();
            }
            catch (final IOException ex)
            {
                fileKey = null;
            }
        }
    }
}
