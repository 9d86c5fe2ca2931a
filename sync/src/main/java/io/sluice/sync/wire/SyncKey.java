package io.sluice.sync.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key every load balancer of a sync group shares: the messages they exchange carry an
 * HMAC-SHA-256 tag under it, so that nobody without the key can forge or alter one.
 * <p>
 * The key lives in a file of hex text, such as {@code openssl rand -hex 32} writes: at least
 * {@link #MIN_LENGTH} bytes once decoded, leading and trailing whitespace ignored. {@link #load(Path)}
 * refuses a file that others may read, or that group or others may write, and says how to fix it.
 * The key's bytes never leave this class: {@link #toString()} shows only the length and a
 * {@link #fingerprint()}, which two operators can compare to tell whether their nodes share a key.
 */
public final class SyncKey
{
    /** Fewest key bytes accepted: 32, the output length of SHA-256. */
    public static final int MIN_LENGTH = 32;

    /** Most key bytes accepted. */
    public static final int MAX_LENGTH = 1024;

    private static final int MAX_FILE_LENGTH = 4 * MAX_LENGTH;
    private static final byte[] FINGERPRINT_INPUT = "sluice sync key fingerprint".getBytes(StandardCharsets.US_ASCII);
    private static final int FINGERPRINT_BYTES = 8;

    private final byte[] key;
    private final String fingerprint;

    private SyncKey(final byte[] key)
    {
        this.key = key;
        final byte[] digest = newMac().doFinal(FINGERPRINT_INPUT);
        this.fingerprint = HexFormat.of().formatHex(digest, 0, FINGERPRINT_BYTES);
    }

    /**
     * A key from bytes the caller holds, such as a key read from somewhere other than a file.
     *
     * @param key the key, copied; {@link #MIN_LENGTH} to {@link #MAX_LENGTH} bytes.
     * @return the key.
     * @throws IllegalArgumentException when the key is too short or too long.
     */
    public static SyncKey of(final byte[] key)
    {
        if (key.length < MIN_LENGTH || key.length > MAX_LENGTH)
        {
            throw new IllegalArgumentException("a sync key needs " + MIN_LENGTH + " to " + MAX_LENGTH +
                " bytes, not " + key.length);
        }
        return new SyncKey(key.clone());
    }

    /**
     * Loads a key from a file of hex text, after checking that only its owner can read it.
     *
     * @param file the key file, e.g. made with {@code (umask 077; openssl rand -hex 32 > FILE)}.
     * @return the key.
     * @throws IllegalArgumentException naming the file and the fix when the file is missing, not a
     *                                  regular file, readable by others, writable by group or others,
     *                                  empty, not hex, or holds fewer than {@link #MIN_LENGTH} bytes.
     */
    public static SyncKey load(final Path file)
    {
        checkPermissions(file);
        final byte[] text = read(file);
        try
        {
            return new SyncKey(parseHex(file, text));
        }
        finally
        {
            Arrays.fill(text, (byte)0);
        }
    }

    /**
     * A new MAC initialised with this key. A {@link Mac} is not thread safe: each thread takes its own.
     *
     * @return an HMAC-SHA-256 instance ready for {@code update} and {@code doFinal}.
     */
    public Mac newMac()
    {
        try
        {
            final Mac mac = Mac.getInstance(SyncProtocol.MAC_ALGORITHM);
            mac.init(new SecretKeySpec(key, SyncProtocol.MAC_ALGORITHM));
            return mac;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("the JDK offers no " + SyncProtocol.MAC_ALGORITHM, ex);
        }
    }

    /** @return the key's length in bytes. */
    public int length()
    {
        return key.length;
    }

    /**
     * A short public name for the key: 16 hex digits of HMAC-SHA-256 under the key over a fixed
     * text. Equal on two nodes exactly when (but for a 2^-64 chance) they hold the same key; it
     * tells nothing about the key itself.
     *
     * @return the fingerprint, 16 lower-case hex digits.
     */
    public String fingerprint()
    {
        return fingerprint;
    }

    /** {@inheritDoc} The key's bytes are never shown. */
    @Override
    public String toString()
    {
        return "SyncKey{" + key.length + " bytes, fingerprint " + fingerprint + "}";
    }

    private static void checkPermissions(final Path file)
    {
        final PosixFileAttributes attributes;
        try
        {
            attributes = Files.readAttributes(file, PosixFileAttributes.class);
        }
        catch (final NoSuchFileException ex)
        {
            throw refuse(file, "does not exist; create it with: (umask 077; openssl rand -hex 32 > " + file + ")", ex);
        }
        catch (final UnsupportedOperationException ex)
        {
            throw refuse(file, "is on a file system without POSIX permissions, so who may read it cannot be checked", ex);
        }
        catch (final IOException ex)
        {
            throw refuse(file, "cannot be read: " + ex, ex);
        }

        if (!attributes.isRegularFile())
        {
            throw refuse(file, "is not a regular file", null);
        }
        final Set<PosixFilePermission> permissions = attributes.permissions();
        final String mode = PosixFilePermissions.toString(permissions);
        if (permissions.contains(PosixFilePermission.OTHERS_READ))
        {
            throw refuse(file, "is readable by others (" + mode + "); run: chmod 600 " + file, null);
        }
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE))
        {
            throw refuse(file, "is writable by group or others (" + mode + "); run: chmod 600 " + file, null);
        }
        if (attributes.size() > MAX_FILE_LENGTH)
        {
            throw refuse(file, "holds " + attributes.size() + " bytes; a key file holds one hex key of " +
                MIN_LENGTH + " to " + MAX_LENGTH + " bytes", null);
        }
    }

    private static byte[] read(final Path file)
    {
        try
        {
            return Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw refuse(file, "cannot be read: " + ex, ex);
        }
    }

    private static byte[] parseHex(final Path file, final byte[] text)
    {
        int from = 0;
        int to = text.length;
        while (from < to && Character.isWhitespace(text[from]))
        {
            from++;
        }
        while (to > from && Character.isWhitespace(text[to - 1]))
        {
            to--;
        }
        final int digits = to - from;
        if (digits == 0)
        {
            throw refuse(file, "is empty; fill it with: (umask 077; openssl rand -hex 32 > " + file + ")", null);
        }
        if ((digits & 1) != 0 || !allHex(text, from, to))
        {
            throw refuse(file, "does not hold a key as hex text (0-9, a-f, an even number of digits), " +
                "such as: openssl rand -hex 32", null);
        }
        if (digits / 2 < MIN_LENGTH || digits / 2 > MAX_LENGTH)
        {
            throw refuse(file, "holds a key of " + digits / 2 + " bytes; it needs " + MIN_LENGTH + " to " +
                MAX_LENGTH + ", such as: openssl rand -hex 32", null);
        }
        final byte[] key = new byte[digits / 2];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)((HexFormat.fromHexDigit(text[from + 2 * i]) << 4) | HexFormat.fromHexDigit(text[from + 2 * i + 1]));
        }
        return key;
    }

    private static boolean allHex(final byte[] text, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (!HexFormat.isHexDigit(text[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException refuse(final Path file, final String problem, final Exception cause)
    {
        return new IllegalArgumentException("sync key file " + file + " " + problem, cause);
    }
}
